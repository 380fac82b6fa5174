-- wrk script used by peers.sh and server-cpu.sh: a non-streamed OpenAI-style chat completion.
--
-- The body and headers are the ones `llmcheck bench --mock-engine` replays in memory
-- (BenchCommand+MockEngine.swift), so socket and in-memory figures stay comparable: keep the two
-- in step. The User-Agent looks like the OpenAI SDK's because some peer mocks route on it.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-test"
wrk.headers["User-Agent"] = "OpenAI/Python 1.0 (wrk)"
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"ping"}]}'

-- One machine-readable line at the end (parsed by peers.sh and server-cpu.sh):
-- RESULT rps=… p50_ms=… p90_ms=… p99_ms=… max_ms=… requests=… non2xx_or_err=…
-- wrk reports latencies in microseconds; errors sum bad statuses and socket errors.
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
