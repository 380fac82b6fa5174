#!/usr/bin/env bash
# Benchmarks of the mock servers (numbers, not pass/fail tests):
#   1. throughput / latency against the Python peers (Benchmarks/peers.sh: wrk -c16, chat completions);
#   2. precision of injected 20 ms inter-chunk gaps (--tps 50), error p50/p99 over many gaps;
#   3. resident memory of one `serve openai` process holding 200 concurrent streams.
#
#   Benchmarks/mock-bench.sh                 # builds release into .build-mocks-rel first
#   LLMCHECK_BIN=path/to/llmcheck Benchmarks/mock-bench.sh
#   SKIP_PEERS=1 Benchmarks/mock-bench.sh    # only 2 and 3
#
# CPU-heavy (wrk + servers on a shared 2-core box): do not run in CI.
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${LLMCHECK_BIN:-}" ]; then
  (cd "$repo" && swift build -c release --scratch-path .build-mocks-rel --product llmcheck >/dev/null) || { echo "release build failed"; exit 2; }
  LLMCHECK_BIN=$repo/.build-mocks-rel/release/llmcheck
fi
bin=$LLMCHECK_BIN
work=${TMPDIR:-/tmp}/llmcheck-mock-bench
mkdir -p "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT

serve() { # out-file, args... ; sets $url and $pid (no subshell, so cleanup sees the pid)
  local out=$1; shift
  : >"$out"
  "$bin" serve "$@" --port 0 --seed 1 >"$out" 2>"$out.err" &
  pid=$!; pids+=("$pid")
  for _ in $(seq 1 100); do [ -s "$out" ] && { url=$(head -1 "$out"); return 0; }; sleep 0.05; done
  echo "serve did not start: $(cat "$out.err")" >&2; return 1
}

echo "== 1. peers (wrk -t1 -c16, POST /v1/chat/completions) =="
if [ -z "${SKIP_PEERS:-}" ]; then
  OURS_CMD="$bin serve openai --host 127.0.0.1 --port {port}" bash "$repo/Benchmarks/peers.sh"
else
  echo "skipped"
fi

echo "== 2. injected 20 ms inter-chunk gaps (--tps 50), 16 concurrent streams x 60 tokens =="
reply=$(python3 -c 'print(" ".join("w%d" % i for i in range(60)))')
serve "$work/gaps.out" openai --tps 50 --reply "$reply" || exit 2
python3 - "$url" <<'PY'
import selectors, socket, sys, time
host, port = sys.argv[1][7:].split(":"); port = int(port)
body = b'{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"x"}]}'
req = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
       b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body)) + body
sel = selectors.DefaultSelector()
buffers, stamps = {}, {}
for _ in range(16):
    s = socket.create_connection((host, port))
    s.sendall(req); s.setblocking(False)
    sel.register(s, selectors.EVENT_READ); buffers[s] = b""; stamps[s] = []
open_count = len(buffers)
while open_count:
    for key, _ in sel.select(timeout=5):
        s = key.fileobj; now = time.perf_counter(); data = s.recv(65536)
        if not data:
            sel.unregister(s); s.close(); open_count -= 1; continue
        buffers[s] += data
        stamps[s].extend([now] * buffers[s].count(b'"delta":{"content":'))
        buffers[s] = buffers[s][buffers[s].rfind(b"\n\n") + 2:] if b"\n\n" in buffers[s] else buffers[s]
errors = sorted(abs((b - a) * 1000 - 20.0) for ts in stamps.values() for a, b in zip(ts, ts[1:]))
p = lambda q: errors[min(len(errors) - 1, int(q * len(errors)))]
print(f"gaps={len(errors)} error_ms p50={p(0.5):.3f} p90={p(0.9):.3f} p99={p(0.99):.3f} max={errors[-1]:.3f}")
PY

echo "== 3. RSS with 200 concurrent streams (--tps 5) =="
serve "$work/rss.out" openai --tps 5 --reply "$reply" || exit 2
python3 - "$url" "$pid" <<'PY'
import socket, sys, time
url, pid = sys.argv[1], sys.argv[2]; host, port = url[7:].split(":"); port = int(port)
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"): return int(line.split()[1]) / 1024
body = b'{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"x"}]}'
req = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)) + body
idle = rss(); socks = []
for i in range(200):
    s = socket.create_connection((host, port)); s.sendall(req); socks.append(s)
time.sleep(2.0)
for s in socks: s.setblocking(False)
got = 0
for s in socks:
    try: got += 1 if s.recv(65536) else 0
    except BlockingIOError: pass
peak = rss()
threads = len(__import__("os").listdir(f"/proc/{pid}/task"))
print(f"idle_rss_mb={idle:.1f} rss_with_200_streams_mb={peak:.1f} streams_receiving={got} server_threads={threads}")
for s in socks: s.close()
PY
