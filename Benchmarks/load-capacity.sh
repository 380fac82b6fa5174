#!/usr/bin/env bash
# Capacity of `llmcheck load` (a benchmark, not a test): the most non-streaming chat requests/s it
# drives through one `serve openai` mock, side by side with wrk in the same run (target: at least half
# of wrk). Both reuse keep-alive connections (llmcheck's default); wrk is also run with `Connection: close`
# to show what a new connection per request costs. The generator's CPU per request is printed too: on a
# shared machine it is steadier than the rate.
#
#   Benchmarks/load-capacity.sh                         # builds release first
#   LLMCHECK_BIN=.build/release/llmcheck CONNECTIONS=64 SECONDS_EACH=10 Benchmarks/load-capacity.sh
#   LLMCHECK_BIN=new/llmcheck COMPARE_BIN=old/llmcheck ROUNDS=4 SECONDS_EACH=5 Benchmarks/load-capacity.sh
#     # A/B on a shared machine: ROUNDS alternating wrk / COMPARE_BIN / LLMCHECK_BIN against the same mock
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${LLMCHECK_BIN:-}" ]; then
  (cd "$repo" && swift build -c release --product llmcheck >/dev/null) || { echo "release build failed"; exit 2; }
  LLMCHECK_BIN=$repo/.build/release/llmcheck
fi
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 2; }
bin=$LLMCHECK_BIN
connections=${CONNECTIONS:-64}
seconds=${SECONDS_EACH:-10}
work=$(mktemp -d "${TMPDIR:-/tmp}/llmcheck-load-capacity.XXXXXX")
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$bin" serve openai --port 0 --seed 1 >"$work/url" 2>"$work/serve.err" &
pid=$!
for _ in $(seq 1 100); do [ -s "$work/url" ] && break; sleep 0.05; done
url=$(head -1 "$work/url")
[ -n "$url" ] || { echo "serve did not start: $(cat "$work/serve.err")"; exit 2; }
body='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"load test prompt of a few words"}],"max_tokens":16,"stream":false}'
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
LUA
cat >"$work/post-close.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Connection"] = "close"
LUA
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $connections connections, ${seconds}s each"
rps() { awk '/Requests\/sec/ {print $2}'; }
if [ -n "${COMPARE_BIN:-}" ]; then
  one() { # binary → "req/s µs-per-request"
    "$1" load --url "$url" --provider openai --model gpt-4o-mini --no-stream --max-tokens 16 --concurrency "$connections" \
      --duration "${seconds}s" --json --quiet >"$work/ab.json" || { echo "load failed"; return; }
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); g=d["generator"]; r=d["requests"]; n=max(1,r["completed"]); print(round(d["throughput"]["requests_per_s"]), round(1e6*g.get("cpu_s",0)/n,1), r["failed"])' "$work/ab.json"
  }
  printf "%-6s %-8s %10s %16s %16s %8s %8s\n" round load wrk "A req/s µs/req" "B req/s µs/req" "A/wrk" "B/wrk"
  for round in $(seq 1 "${ROUNDS:-4}"); do
    w=$(wrk -t2 -c"$connections" -d"${seconds}s" -s "$work/post.lua" "$url/v1/chat/completions" | rps)
    a=$(one "$COMPARE_BIN"); b=$(one "$bin")
    python3 -c 'import sys; r,l,w,a1,a2,a3,b1,b2,b3=sys.argv[1:]; w=float(w); print(f"{r:<6} {l:<8} {w:10.0f} {float(a1):8.0f} {float(a2):6.1f} {float(b1):8.0f} {float(b2):6.1f} {float(a1)/w:8.2f} {float(b1)/w:8.2f}  failed A {a3} B {b3}")' \
      "$round" "$(cut -d' ' -f1 /proc/loadavg)" "$w" $a $b
  done
  exit 0
fi
wrk_keep=$(wrk -t2 -c"$connections" -d"${seconds}s" -s "$work/post.lua" "$url/v1/chat/completions" | rps)
wrk_close=$(wrk -t2 -c"$connections" -d"${seconds}s" -s "$work/post-close.lua" "$url/v1/chat/completions" | rps)
"$bin" load --url "$url" --provider openai --model gpt-4o-mini --no-stream --max-tokens 16 --concurrency "$connections" \
  --duration "${seconds}s" --json --quiet >"$work/load.json" || { echo "load failed"; exit 2; }
python3 - "$work/load.json" "$wrk_keep" "$wrk_close" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); keep, close = float(sys.argv[2]), float(sys.argv[3])
ours = d["throughput"]["requests_per_s"]; g = d["generator"]
print(f"wrk keep-alive        {keep:10.0f} req/s")
print(f"wrk Connection: close {close:10.0f} req/s")
print(f"llmcheck load         {ours:10.0f} req/s  ({ours/keep:.2f}× wrk keep-alive, {ours/close:.2f}× wrk close; target ≥ 0.5× wrk)")
print(f"  completed {d['requests']['completed']}, failed {d['requests']['failed']} {d['errors']}; E2E p50 {d['metrics']['e2e_ms']['p50']:.2f} ms p99 {d['metrics']['e2e_ms']['p99']:.2f} ms")
print(f"  generator CPU {g.get('cpu_cores', 0):.2f} cores of {g['machine_cores']}, {1e6 * g.get('cpu_s', 0) / max(1, d['requests']['completed']):.1f} µs per request; bottleneck flagged: {g['is_bottleneck']}")
PY
