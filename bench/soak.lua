-- A mixed request stream for bench/soak.sh: perform (most), probes, metrics, docs, a 404, a 422
-- (malformed JSON), and every 50th request closes its connection (churn).
local n = 0
local perform = wrk.format("POST", "/api/v1/perform",
  {["Content-Type"] = "application/json"}, '{"number": 7907}')
local prefixed = wrk.format("POST", "/pub/job/primer/0.0.1/api/v1/perform",
  {["Content-Type"] = "application/json"}, '{"number": 7919}')
local malformed = wrk.format("POST", "/api/v1/perform",
  {["Content-Type"] = "application/json"}, '{"number": ')
local closing = wrk.format("POST", "/api/v1/perform",
  {["Content-Type"] = "application/json", ["Connection"] = "close"}, '{"number": 13}')
local live = wrk.format("GET", "/live")
local health = wrk.format("GET", "/health")
local metrics = wrk.format("GET", "/metrics")
local openapi = wrk.format("GET", "/openapi.json")
local missing = wrk.format("GET", "/no/such/path")

request = function()
  n = n + 1
  if n % 50 == 0 then return closing end
  local k = n % 20
  if k < 12 then return perform end
  if k < 14 then return prefixed end
  if k == 14 then return live end
  if k == 15 then return health end
  if k == 16 then return malformed end
  if k == 17 then return missing end
  if k == 18 then return openapi end
  return metrics
end
