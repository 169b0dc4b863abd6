-- POST a JSON body to /api/v1/perform: $BENCH_BODY (set by bench/run.sh per target), else the
-- seed's example input.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY") or '{"number": 7907}'
wrk.headers["Content-Type"] = "application/json"
