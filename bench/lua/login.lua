-- POST /api/v1/sessions {"username":"user<K>","password":P} with K random in 1..N:
-- correct passwords, spread over many accounts (no lockout, no single hot row).
-- Arguments (after --): PASSWORD N
-- done() prints: WRKRESULT key=value ...  (err_status counts non-2xx, e.g. 503 busy)

local password, users

function init(args)
  password = args[1]
  users = tonumber(args[2])
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + (tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000))
end

function request()
  local body = string.format('{"username":"user%d","password":"%s"}', math.random(1, users), password)
  return wrk.format("POST", "/api/v1/sessions", { ["Content-Type"] = "application/json" }, body)
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
