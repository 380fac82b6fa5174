#!/usr/bin/env bash
# llmcheck proxy: what the proxy adds, measured against the same mock (a benchmark, not a test).
#
#   Benchmarks/proxy-bench.sh [path/to/llmcheck]     (default .build/release/llmcheck)
#
# 1. Added latency per chunk: N streamed chats (200 tokens/s) through the proxy. The mock's journal
#    says when each chunk left the mock, the proxy's journal when it left the proxy; both are
#    CLOCK_MONOTONIC, so proxy_write - mock_write is what the extra hop added per chunk (socket
#    transit into the proxy + the proxy's work). p50 / p99 over every chunk.
# 2. Non-streamed throughput: wrk -t1 -c16 -d5s with Benchmarks/chat.lua, direct vs through the
#    proxy, alternated A B A B (ROUNDS, default 2); ratio proxy / direct. With each proxy round, the
#    CPU time per request of the proxy and of the mock behind it (/proc/PID/stat utime+stime over
#    the requests wrk counted): steadier than req/s on a shared machine.
# 3. Memory: the proxy's RSS (VmHWM) with 200 concurrent streams through it.
# Prints the load average with the figures: the machine is shared.
set -euo pipefail
BIN=${1:-.build/release/llmcheck}
N=${N:-50}
DIR=$(mktemp -d)
cleanup() { for p in ${PIDS:-}; do kill "$p" 2>/dev/null || true; done; rm -rf "$DIR"; }
trap cleanup EXIT
PIDS=""
"$BIN" serve openai --port 0 --tps 200 --seed 1 >"$DIR/mock.out" 2>"$DIR/mock.err" & PIDS="$PIDS $!"
"$BIN" serve openai --port 0 --seed 1 >"$DIR/fast.out" 2>"$DIR/fast.err" & FAST_PID=$!; PIDS="$PIDS $FAST_PID"
for _ in $(seq 50); do [ -s "$DIR/mock.out" ] && [ -s "$DIR/fast.out" ] && break; sleep 0.1; done
MOCK=$(head -1 "$DIR/mock.out"); FAST=$(head -1 "$DIR/fast.out")
"$BIN" proxy --upstream "$MOCK" --port 0 --seed 1 >"$DIR/proxy.out" 2>"$DIR/proxy.err" & PROXY_PID=$!; PIDS="$PIDS $PROXY_PID"
"$BIN" proxy --upstream "$FAST" --port 0 --seed 1 >"$DIR/proxyfast.out" 2>"$DIR/proxyfast.err" & PROXYFAST_PID=$!; PIDS="$PIDS $PROXYFAST_PID"
for _ in $(seq 50); do [ -s "$DIR/proxy.out" ] && [ -s "$DIR/proxyfast.out" ] && break; sleep 0.1; done
PROXY=$(head -1 "$DIR/proxy.out"); PROXYFAST=$(head -1 "$DIR/proxyfast.out")
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$MOCK" "$PROXY" "$N" <<'PY'
# Per-chunk added latency. Each journal entry carries its wall time (taken when the entry is appended,
# at the end of the exchange), its duration and the offsets of its body writes from its arrival, so
# absolute write time = wall - duration + offset in both processes (same machine, same clock).
import datetime, http.client, json, sys, urllib.parse
mock, proxy, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
body = json.dumps({"model": "gpt-4o-mini", "stream": True, "max_tokens": 40,
                   "messages": [{"role": "user", "content": "count"}]})
def conn(base):
    u = urllib.parse.urlparse(base); return http.client.HTTPConnection(u.hostname, u.port, timeout=60)
def stream(base):
    c = conn(base); c.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
    c.getresponse().read(); c.close()
def journal(base):
    c = conn(base); c.request("GET", "/__llmcheck/journal"); return json.loads(c.getresponse().read())["entries"]
def wall_ns(text):
    main, _, frac = text.rstrip("Z").partition(".")
    t = datetime.datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return int(t.timestamp()) * 10**9 + int((frac + "000000000")[:9])
def writes(e):
    start = wall_ns(e["time"]) - int(e["duration_ms"] * 1e6)
    return [start + o for o in e["body_write_offsets_ns"]]
for _ in range(n): stream(proxy)
m = [e for e in journal(mock) if e["path"] == "/v1/chat/completions"]
p = [e for e in journal(proxy) if e["path"] == "/v1/chat/completions"]
added, own = [], []
for a, b in zip(m, p):
    added += [pw - mw for mw, pw in zip(writes(a), writes(b))]
    own += b["proxy"]["added_per_chunk_ns"]
def pct(xs, q): xs = sorted(xs); return xs[min(len(xs) - 1, int(q * len(xs)))] / 1e6
print(f"added per chunk (mock write -> proxy write), {len(added)} chunks over {len(p)} streams: "
      f"p50 {pct(added, .5):.3f} ms, p99 {pct(added, .99):.3f} ms")
print(f"  of which inside the proxy (upstream arrival -> downstream write): p50 {pct(own, .5):.3f} ms, p99 {pct(own, .99):.3f} ms")
PY

echo "non-streamed throughput (wrk -t1 -c16 -d5s, Benchmarks/chat.lua), alternated:"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
for round in $(seq "${ROUNDS:-2}"); do
  d=$(wrk -t1 -c16 -d5s -s Benchmarks/chat.lua "$FAST/v1/chat/completions" 2>/dev/null | grep '^RESULT' || true)
  p0=$(ticks "$PROXYFAST_PID"); m0=$(ticks "$FAST_PID")
  p=$(wrk -t1 -c16 -d5s -s Benchmarks/chat.lua "$PROXYFAST/v1/chat/completions" 2>/dev/null | grep '^RESULT' || true)
  p1=$(ticks "$PROXYFAST_PID"); m1=$(ticks "$FAST_PID")
  echo "  round $round direct: $d"
  echo "  round $round proxy:  $p"
  n=$(echo "$p" | sed -n 's/.*requests=\([0-9]*\).*/\1/p')
  [ -n "$n" ] && [ "$n" -gt 0 ] && python3 -c "print(f'  round $round CPU per proxied request: proxy {($p1-$p0)/$HZ/$n*1e6:.1f} us, mock behind it {($m1-$m0)/$HZ/$n*1e6:.1f} us')"
  dr=$(echo "$d" | sed -n 's/.*rps=\([0-9.]*\).*/\1/p'); pr=$(echo "$p" | sed -n 's/.*rps=\([0-9.]*\).*/\1/p')
  [ -n "$dr" ] && [ -n "$pr" ] && python3 -c "print(f'  round $round ratio proxy/direct: {$pr/$dr:.2f}')"
done

python3 - "$PROXY" "$PROXY_PID" <<'PY'
# RSS of the proxy with 200 concurrent streams (each ~40 chunks at 200 tokens/s).
import http.client, json, sys, threading, urllib.parse
proxy, pid = sys.argv[1], sys.argv[2]
def rss():
    f = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status"))
    return f["VmRSS"].strip(), f["VmHWM"].strip(), f["Threads"].strip()
print("proxy before 200 streams: RSS %s, peak %s, threads %s" % rss())
body = json.dumps({"model": "gpt-4o-mini", "stream": True, "max_tokens": 40, "messages": [{"role": "user", "content": "x"}]})
ok = []
def one():
    u = urllib.parse.urlparse(proxy); c = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    c.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
    r = c.getresponse(); r.read(); ok.append(r.status == 200); c.close()
ts = [threading.Thread(target=one) for _ in range(200)]
for t in ts: t.start()
for t in ts: t.join()
print("proxy after 200 concurrent streams (%d ok): RSS %s, peak %s, threads %s" % ((sum(ok),) + rss()))
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
