-- wrk script for GET endpoints (model listings): adds a bearer key and the same RESULT line as
-- chat.lua, so both can be parsed alike.
wrk.headers["Authorization"] = "Bearer sk-test"

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local failed = e.status + e.connect + e.read + e.write + e.timeout
  local function ms(us) return us / 1000 end
  io.write(string.format(
    "RESULT rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f requests=%d non2xx_or_err=%d\n",
    summary.requests / seconds,
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)), ms(latency.max),
    summary.requests, failed))
end
