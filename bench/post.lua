-- POST the seed's example input to /api/v1/perform.
wrk.method = "POST"
wrk.body = '{"number": 7907}'
wrk.headers["Content-Type"] = "application/json"
