#!/usr/bin/env bash
# Throughput of llmcheck's OpenAI-compatible mock next to the two Python mocks it is usually
# compared with, fakellm (the fastest Python peer) and llmock (the one that grades clients); see
# docs/peers.md. Everything runs on loopback and is driven by wrk with Benchmarks/chat.lua (a
# non-streamed chat completion). Servers take turns within each round (fakellm, llmock, ours), so a
# change in the machine's speed affects all of them alike. Numbers, not a test.
#
#   OURS_CMD='.build/release/llmcheck serve openai --host 127.0.0.1 --port {port}' Benchmarks/peers.sh
#
# Without OURS_CMD only the peers are measured. {port} is replaced by a free port.
# Environment: ROUNDS (2), DURATION seconds per wrk run (8), CONNS (16), OURS_PATH
# (/v1/chat/completions), BENCH_VENV (a venv for the peers, default $TMPDIR/llmcheck-bench/venv).
# Needs python3 with venv and network access to PyPI the first time (pip install fakellm llmock);
# installs wrk with apt-get when it is missing.
#
# Output: one RESULT line per run ("fakellm r1 rps=… p99_ms=… non2xx_or_err=…"), then per server the
# median req/s over the rounds and the error total, and "ratio ours/best-peer" when ours ran.
set -u
bench_dir=$(cd "$(dirname "$0")" && pwd)
lua=$bench_dir/chat.lua
rounds=${ROUNDS:-2}
duration=${DURATION:-8}
conns=${CONNS:-16}
ours_path=${OURS_PATH:-/v1/chat/completions}
scratch=${TMPDIR:-/tmp}/llmcheck-bench
venv=${BENCH_VENV:-$scratch/venv}
mkdir -p "$scratch"

started=()
stop_all() {
  local p
  for p in "${started[@]}"; do kill "$p" 2>/dev/null; done
  sleep 0.5
  for p in "${started[@]}"; do kill -9 "$p" 2>/dev/null; done
}
trap stop_all EXIT
fail() { echo "peers.sh: $*" >&2; exit 2; }

if ! command -v wrk >/dev/null; then
  echo "installing wrk (apt-get)…" >&2
  { apt-get update -qq && apt-get install -y -qq wrk; } >/dev/null 2>&1 || fail "wrk is missing and could not be installed"
fi
if [ ! -x "$venv/bin/fakellm" ] || [ ! -x "$venv/bin/llmock" ]; then
  echo "creating $venv with fakellm and llmock…" >&2
  python3 -m venv "$venv" && "$venv/bin/pip" install -q fakellm llmock >/dev/null || fail "could not install the peers"
fi

pick_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
await_port() { # port: waits up to 10 s for a listener
  local i
  for i in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  return 1
}

# Every server answers the same prompt ("ping") with the same 213-character text.
answer="Local models are served by Ollama and LM Studio on loopback ports, and a good harness must check discovery, streaming, retries and timeouts before shipping any client code to the people who depend on it every day."

cat >"$scratch/fakellm.yaml" <<YAML
version: 1
defaults:
  fallback: deterministic_echo
rules:
  - name: ping
    when:
      messages_contain: "ping"
    respond:
      content: "$answer"
YAML
fakellm_port=$(pick_port)
"$venv/bin/fakellm" serve --host 127.0.0.1 --port "$fakellm_port" --config "$scratch/fakellm.yaml" >"$scratch/fakellm.log" 2>&1 &
started+=($!)
llmock_port=$(pick_port)
"$venv/bin/llmock" serve --host 127.0.0.1 --port "$llmock_port" >"$scratch/llmock.log" 2>&1 &
started+=($!)
await_port "$fakellm_port" || fail "fakellm did not start (see $scratch/fakellm.log)"
await_port "$llmock_port" || fail "llmock did not start (see $scratch/llmock.log)"
# llmock answers from a behaviour queue; one reply behaviour without a count repeats forever.
curl -s -X POST "http://127.0.0.1:$llmock_port/_llmock/scenario" -H 'Content-Type: application/json' \
  -d "{\"behaviors\":[{\"type\":\"reply\",\"text\":\"$answer\",\"times\":null}]}" >/dev/null

names=(fakellm llmock)
urls=("http://127.0.0.1:$fakellm_port/v1/chat/completions" "http://127.0.0.1:$llmock_port/v1/chat/completions")
if [ -n "${OURS_CMD:-}" ]; then
  ours_port=$(pick_port)
  bash -c "exec ${OURS_CMD//\{port\}/$ours_port}" >"$scratch/ours.log" 2>&1 &
  started+=($!)
  await_port "$ours_port" || fail "ours did not start: $(tail -3 "$scratch/ours.log")"
  names+=(ours)
  urls+=("http://127.0.0.1:$ours_port$ours_path")
fi

for url in "${urls[@]}"; do   # warm-up, not recorded
  wrk -t1 -c4 -d2s -s "$lua" "$url" >/dev/null 2>&1
done

results=$scratch/results.txt
: >"$results"
for round in $(seq "$rounds"); do
  for i in "${!names[@]}"; do
    wrk -t1 -c"$conns" -d"${duration}s" --latency -s "$lua" "${urls[$i]}" 2>&1 \
      | sed -n "s/^RESULT/${names[$i]} r$round/p" | tee -a "$results"
  done
done

python3 - "$results" <<'PY'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    m = re.match(r"(\S+) r\d+ rps=([\d.]+) .*non2xx_or_err=(\d+)", line)
    if m:
        runs.setdefault(m.group(1), []).append((float(m.group(2)), int(m.group(3))))
median = {name: statistics.median(rps for rps, _ in rows) for name, rows in runs.items()}
for name, rows in runs.items():
    print(f"{name}: median {median[name]:.0f} req/s, errors {sum(errors for _, errors in rows)}")
peers = [rps for name, rps in median.items() if name != "ours"]
if "ours" in median and peers:
    print(f"ratio ours/best-peer: {median['ours'] / max(peers):.2f}")
PY
