-- GET /api/v1/peers/user<K> with K uniformly random in 1..N and a bearer token.
-- Arguments (after --): TOKEN N
-- done() prints one machine-readable line: WRKRESULT key=value ...

local token, users

function init(args)
  token = args[1]
  users = tonumber(args[2])
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + (tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000))
end

function request()
  return wrk.format("GET", "/api/v1/peers/user" .. math.random(1, users),
    { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" })
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKRESULT requests=%d duration_s=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
    "err_connect=%d err_read=%d err_write=%d err_timeout=%d err_status=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect, e.read, e.write, e.timeout, e.status))
end
