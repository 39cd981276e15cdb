-- POST /api/v1/accounts with a new username every time (PREFIX<counter>), one connection:
-- each answer is a committed registration. Arguments (after --): PREFIX
-- done() prints: WRKRESULT key=value ...  (err_status counts non-2xx)

local prefix
local counter = 0

function init(args)
  prefix = args[1]
end

function request()
  counter = counter + 1
  local body = string.format('{"username":"%s%d","password":"bench-password-1"}', prefix, counter)
  return wrk.format("POST", "/api/v1/accounts", { ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  local ok = summary.requests - e.status
  io.write(string.format(
    "WRKRESULT requests=%d ok=%d duration_s=%.3f rps=%.1f ok_per_s=%.3f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
    "err_connect=%d err_read=%d err_write=%d err_timeout=%d err_status=%d\n",
    summary.requests, ok, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    ok / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect, e.read, e.write, e.timeout, e.status))
end
