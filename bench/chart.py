#!/usr/bin/env python3
"""Draw the benchmark chart: POST /api/v1/perform req/s and p99 per target and connection count.

usage: chart.py RESULTS_DIR OUT.png TARGET...

Reads what bench/run.sh wrote to RESULTS_DIR (the same files as report.py, medians over runs) and
writes a PNG with two panels of grouped bars, one group per connection count and one bar per
target. Both axes are logarithmic: the original serves hundreds of requests per second, the
gateway tens of thousands. Needs matplotlib (run.sh runs this with the bench venv's python).
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
from report import median, read_raw, read_targets

PERFORM = "/api/v1/perform"


def meta_line(results):
    """'date, commit' from meta.txt, for the title."""
    fields = {}
    path = os.path.join(results, "meta.txt")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                key, _, value = line.partition(": ")
                fields[key] = value.strip()
    commit = fields.get("source", "").split(";")[0].replace("commit ", "")
    return ", ".join(v for v in (fields.get("date"), commit and f"commit {commit}",
                                 fields.get("load at start (1/5/15 min)") and
                                 f"load {fields['load at start (1/5/15 min)']}") if v)


def label(value, unit):
    if unit == "ms":
        return f"{value:.2g}" if value < 10 else f"{value:.0f}"
    return f"{value / 1000:.3g}k" if value >= 1000 else f"{value:.0f}"


def main():
    results, out, targets = sys.argv[1], sys.argv[2], sys.argv[3:]
    raw = [r for r in read_raw(results) if r["endpoint"] == PERFORM]
    info = read_targets(results, targets)
    targets = [t for t in targets if any(r["target"] == t for r in raw)]
    conns = sorted({int(r["conns"]) for r in raw})
    if not targets or not conns:
        raise SystemExit("no POST /api/v1/perform measurements in " + results)

    def cell(t, c, key):
        return median([r[key] for r in raw if r["target"] == t and int(r["conns"]) == c])

    fig, (ax_rps, ax_p99) = plt.subplots(2, 1, figsize=(max(9, 1.1 * len(targets) * len(conns)), 9),
                                         sharex=True)
    width = 0.8 / len(targets)
    colors = plt.get_cmap("tab10")
    for i, t in enumerate(targets):
        xs = [j + (i - (len(targets) - 1) / 2) * width for j in range(len(conns))]
        baseline = info[t]["role"] == "baseline"  # the original: hatched
        style = {"width": width, "color": colors(i % 10), "edgecolor": "black", "linewidth": 0.5,
                 "hatch": "//" if baseline else None, "label": t}
        for ax, key, scale, unit in ((ax_rps, "rps", 1, "req/s"), (ax_p99, "p99_us", 1e-3, "ms")):
            points = [(x, cell(t, c, key)) for x, c in zip(xs, conns)]
            points = [(x, v * scale) for x, v in points if v]  # nothing measured: no bar
            bars = ax.bar([x for x, _ in points], [v for _, v in points], **style)
            for bar, (_, v) in zip(bars, points):
                ax.annotate(label(v, unit), (bar.get_x() + bar.get_width() / 2, v), xytext=(0, 2),
                            textcoords="offset points", ha="center", va="bottom", fontsize=7, rotation=90)
    ax_rps.set_ylabel("requests/s (log scale; higher is better)")
    ax_p99.set_ylabel("p99 latency, ms (log scale; lower is better)")
    for ax, unit in ((ax_rps, "req/s"), (ax_p99, "ms")):
        # plain numbers at 1, 2, 5 × 10^n rather than powers of ten
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _, unit=unit: label(v, unit)))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.grid(axis="y", which="major", alpha=0.4)
        ax.margins(y=0.25)
        ax.set_axisbelow(True)
    ax_p99.set_xticks(range(len(conns)))
    ax_p99.set_xticklabels([f"{c} connection{'s' if c != 1 else ''}" for c in conns])
    ax_rps.legend(title="target (hatched: the original runner)", loc="upper left",
                  bbox_to_anchor=(1.01, 1.0), fontsize=8, title_fontsize=8)
    fig.suptitle("POST /api/v1/perform: gateway vs the original runner, same run\n" + meta_line(results),
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    main()
