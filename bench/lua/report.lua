-- The one result line every bench script prints when wrk finishes (loaded by lookup.lua,
-- login.lua and register.lua): WRKRESULT key=value ... for bench/run.sh. err_status counts
-- answers other than 2xx/3xx (e.g. 503 busy); ok is the rest.

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local ok = summary.requests - e.status
  io.write(string.format(
    "WRKRESULT requests=%d ok=%d duration_s=%.3f rps=%.1f ok_per_s=%.3f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f " ..
    "max_ms=%.3f err_connect=%d err_read=%d err_write=%d err_timeout=%d err_status=%d\n",
    summary.requests, ok, seconds, summary.requests / seconds, ok / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect, e.read, e.write, e.timeout, e.status))
end
