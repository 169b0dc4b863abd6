#!/usr/bin/env python3
"""Turn the raw measurements written by bench/run.sh into the markdown report.

usage: report.py RESULTS_DIR TARGET...

Reads RESULTS_DIR/{raw.tsv,rss.tsv,meta.txt,chart.txt,target-NAME.tsv,checks-NAME.txt}; prints
markdown. With several runs (BENCH_RUNS), every figure is the median over the runs. Ratios divide
each of our targets by its own baseline (T_BASELINE in run.sh: the original serving the same job).
"""
import operator
import os
import statistics
import sys

RAW_FIELDS = ["target", "run", "endpoint", "conns", "rps", "p50_us", "p99_us", "requests",
              "errors", "non2xx", "cpu_us_per_req", "rss_tree_kb", "rss_main_kb"]
OPS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_ms(us):
    if us is None:
        return "n/a"
    ms = us / 1000.0
    if ms < 1:
        return f"{ms:.3f} ms"
    if ms < 10:
        return f"{ms:.2f} ms"
    if ms < 100:
        return f"{ms:.1f} ms"
    return f"{ms:.0f} ms"


def fmt_rps(v):
    return "n/a" if v is None else f"{v:,.0f}"


def fmt_mib(kb):
    return "n/a" if kb is None else f"{kb / 1024:.1f}"


def fmt_ratio(v):
    if v is None:
        return "n/a"
    if v >= 10:
        return f"{v:.1f}×"
    return f"{v:.2f}×" if v >= 1 else f"{v:.2g}× (1/{1 / v:.0f})"


TARGET_FIELDS = ["name", "role", "main", "desc", "cmd", "affinity", "baseline", "body"]


def read_raw(results):
    """raw.tsv as dicts, numbers as floats."""
    raw = [dict(zip(RAW_FIELDS, row)) for row in read_tsv(os.path.join(results, "raw.tsv"))]
    for r in raw:
        for k in RAW_FIELDS[3:]:
            r[k] = float(r[k])
    return raw


def read_targets(results, targets):
    """target-NAME.tsv of each target: {name: {role, main, desc, cmd, affinity, baseline, body}}."""
    info = {}
    for t in targets:
        rows = read_tsv(os.path.join(results, f"target-{t}.tsv"))
        row = (rows[0] if rows else [t] + ["?"] * 4) + [""] * len(TARGET_FIELDS)
        info[t] = dict(zip(TARGET_FIELDS[1:], row[1:len(TARGET_FIELDS)]))
    return info


def main():
    results, targets = sys.argv[1], sys.argv[2:]
    raw = read_raw(results)
    rss_rows = read_tsv(os.path.join(results, "rss.tsv"))
    info = read_targets(results, targets)
    # Each of our targets is compared with its own baseline (the original serving the same job),
    # when that baseline ran too.
    baseline_of = {t: info[t]["baseline"] if info[t]["baseline"] in targets else None for t in targets}
    runs = len({r["run"] for r in raw})

    def cell(target, endpoint, conns, key):
        return median([r[key] for r in raw if r["target"] == target and r["endpoint"] == endpoint
                       and int(r["conns"]) == conns])

    def rss(target, phase, col):  # col 3 = tree, 4 = main
        return median([float(row[col]) for row in rss_rows if row[0] == target and row[2] == phase])

    perform_conns = sorted({int(r["conns"]) for r in raw if r["endpoint"] == "/api/v1/perform"})
    live_conns = sorted({int(r["conns"]) for r in raw if r["endpoint"] == "/live"})

    out = []
    p = out.append
    p("# Benchmark: gateway vs the original runner, side by side")
    p("")
    with open(os.path.join(results, "meta.txt")) as f:
        for line in f:
            p(f"- {line.strip()}")
    p(f"- runs: {runs}" + (" (figures are medians over runs)" if runs > 1 else ""))
    chart_path = os.path.join(results, "chart.txt")
    if os.path.exists(chart_path):
        with open(chart_path) as f:
            p(f"- chart: {f.read().strip()}")
    p("")
    p("Targets:")
    p("")
    for t in targets:
        i = info[t]
        p(f"- **{t}**: {i['desc']} — `{i['cmd']}`; body `{i['body']}`; CPU affinity (pid:cpus) "
          f"{i['affinity'].strip()}" + (f"; ratios vs {baseline_of[t]}" if baseline_of[t] else ""))
    p("")
    p("## POST /api/v1/perform")
    p("")
    p("| target | conns | req/s | p50 | p99 | errors (socket/non-2xx) | server CPU per req | server RSS after run (MiB) |")
    p("|---|---:|---:|---:|---:|---:|---:|---:|")
    for t in targets:
        for c in perform_conns:
            e = "/api/v1/perform"
            p(f"| {t} | {c} | {fmt_rps(cell(t, e, c, 'rps'))} | {fmt_ms(cell(t, e, c, 'p50_us'))} "
              f"| {fmt_ms(cell(t, e, c, 'p99_us'))} | {cell(t, e, c, 'errors'):.0f}/{cell(t, e, c, 'non2xx'):.0f} "
              f"| {cell(t, e, c, 'cpu_us_per_req'):.0f} µs | {fmt_mib(cell(t, e, c, 'rss_tree_kb'))} |")
    p("")
    for c in live_conns:
        p(f"## GET /live ({c} connections)")
        p("")
        p("| target | req/s | p50 | p99 | errors (socket/non-2xx) | server CPU per req |")
        p("|---|---:|---:|---:|---:|---:|")
        for t in targets:
            e = "/live"
            p(f"| {t} | {fmt_rps(cell(t, e, c, 'rps'))} | {fmt_ms(cell(t, e, c, 'p50_us'))} "
              f"| {fmt_ms(cell(t, e, c, 'p99_us'))} | {cell(t, e, c, 'errors'):.0f}/{cell(t, e, c, 'non2xx'):.0f} "
              f"| {cell(t, e, c, 'cpu_us_per_req'):.0f} µs |")
        p("")
    p("## Server memory (VmRSS, MiB)")
    p("")
    p("\"tree\" = the started process and all its descendants (gateway + worker; the original is one "
      "process); \"main\" = the started process alone.")
    p("")
    p("| target | main is | tree idle | tree after load | main idle | main after load |")
    p("|---|---|---:|---:|---:|---:|")
    for t in targets:
        p(f"| {t} | {info[t]['main']} | {fmt_mib(rss(t, 'idle', 3))} | {fmt_mib(rss(t, 'after', 3))} "
          f"| {fmt_mib(rss(t, 'idle', 4))} | {fmt_mib(rss(t, 'after', 4))} |")
    p("")

    def ratio(t, e, c, key):
        baseline = baseline_of[t]
        a, b = cell(t, e, c, key), cell(baseline, e, c, key) if baseline else None
        return a / b if a is not None and b else None

    ours = [t for t in targets if info[t]["role"] != "baseline" and baseline_of[t]]
    if ours:
        p("## Ratios: ours / original, same run")
        p("")
        p("Each target over the original serving the same job (`vs`). req/s ratio: higher is "
          "better; p99 ratio: lower is better.")
        p("")
        p("| target | vs | request | conns | req/s ratio | p99 ratio |")
        p("|---|---|---|---:|---:|---:|")
        for t in ours:
            for e, cs in (("/api/v1/perform", perform_conns), ("/live", live_conns)):
                for c in cs:
                    p(f"| {t} | {baseline_of[t]} | {'POST' if e != '/live' else 'GET'} {e} | {c} "
                      f"| {fmt_ratio(ratio(t, e, c, 'rps'))} | {fmt_ratio(ratio(t, e, c, 'p99_us'))} |")
        p("")

    if ours and runs > 1:
        run_ids = sorted({r["run"] for r in raw}, key=int)
        p("Per run (req/s ratio, then p99 of ours), to show the spread behind the medians:")
        p("")
        p("| target | request | conns | " + " | ".join(f"run {i}" for i in run_ids) + " |")
        p("|---|---|---:|" + "---:|" * len(run_ids))

        def one(t, run, e, c, key):
            v = [r[key] for r in raw if r["target"] == t and r["run"] == run and r["endpoint"] == e
                 and int(r["conns"]) == c]
            return v[0] if v else None

        for t in ours:
            for e, cs in (("/api/v1/perform", perform_conns), ("/live", live_conns)):
                for c in cs:
                    cells = []
                    for i in run_ids:
                        a, b = one(t, i, e, c, "rps"), one(baseline_of[t], i, e, c, "rps")
                        cells.append(f"{fmt_ratio(a / b if a is not None and b else None)}, "
                                     f"{fmt_ms(one(t, i, e, c, 'p99_us'))}")
                    p(f"| {t} | {'POST' if e != '/live' else 'GET'} {e} | {c} | " + " | ".join(cells) + " |")
        p("")

    def metric(t, name):
        base, _, conns = name.partition("@")
        c = int(conns) if conns else None
        e = "/api/v1/perform"
        if base == "rps_ratio":
            return ratio(t, e, c, "rps"), "×"
        if base == "rps":
            return cell(t, e, c, "rps"), " req/s"
        if base == "p99_ms":
            v = cell(t, e, c, "p99_us")
            return (None if v is None else v / 1000), " ms"
        if base == "p50_ms":
            v = cell(t, e, c, "p50_us")
            return (None if v is None else v / 1000), " ms"
        if base.startswith("rps_vs_"):
            # This target's req/s over another target's, e.g. rps_vs_cppquiet@16 (the cost of
            # logging and metrics: cppquiet runs the same worker with both off).
            other = base[len("rps_vs_"):]
            a, b = cell(t, e, c, "rps"), cell(other, e, c, "rps")
            return (a / b if a is not None and b else None), "×"
        if base == "tree_rss_after_vs_baseline":
            a, b = rss(t, "after", 3), rss(baseline_of[t], "after", 3) if baseline_of[t] else None
            return (a / b if a is not None and b else None), "×"
        if base == "live_rps":
            return cell(t, "/live", live_conns[0] if live_conns else 0, "rps"), " req/s"
        for scope, col in (("main", 4), ("tree", 3)):
            for phase in ("idle", "after"):
                if base == f"{scope}_rss_{phase}_mb":
                    v = rss(t, phase, col)
                    return (None if v is None else v / 1024), " MiB"
        raise SystemExit(f"unknown metric in checks: {name}")

    p("## Targets")
    p("")
    p("```")
    for t in targets:
        path = os.path.join(results, f"checks-{t}.txt")
        checks = [l.split() for l in open(path)] if os.path.exists(path) else []
        for check in checks:
            if not check:
                continue
            name, op, threshold = check
            value, unit = metric(t, name)
            if value is None:
                verdict, shown = "SKIP", "not measured"
            else:
                verdict = "PASS" if OPS[op](value, float(threshold)) else "FAIL"
                shown = f"{value:,.2f}{unit}" if value < 100 else f"{value:,.0f}{unit}"
            p(f"{verdict}  {t}: {name} {op} {threshold}  (measured {shown})")
    for r in raw:
        if r["errors"] or r["non2xx"]:
            p(f"WARN  {r['target']} run {r['run']} {r['endpoint']} c={r['conns']:.0f}: "
              f"{r['errors']:.0f} socket errors, {r['non2xx']:.0f} non-2xx responses")
    p("```")
    print("\n".join(out))


if __name__ == "__main__":
    main()
