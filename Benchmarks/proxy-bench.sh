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
#    CPU time per request of wrk, of the proxy and of the mock (/proc/PID/stat utime+stime, wrk's
#    from bash's `time`, over the requests wrk counted): steadier than req/s on a shared machine,
#    and the 2-core ceiling they imply, (w+m)/(w'+m'+p) (primes: wrk and mock in the proxied run):
#    the best ratio when wrk, mock and proxy share the same two cores and both runs saturate them.
# 1b. The floor: Benchmarks/hop-floor.c (compiled with cc when there is one) — the same hop through a
#    C relay that does nothing, so the per-chunk figures can be read against what this machine allows.
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
added, own, later = [], [], []
for a, b in zip(m, p):
    pairs = [pw - mw for mw, pw in zip(writes(a), writes(b))]
    added += pairs
    later += pairs[2:]
    own += b["proxy"]["added_per_chunk_ns"]
def pct(xs, q): xs = sorted(xs); return xs[min(len(xs) - 1, int(q * len(xs)))] / 1e6
print(f"added per chunk (mock write -> proxy write), {len(added)} chunks over {len(p)} streams: "
      f"p50 {pct(added, .5):.3f} ms, p99 {pct(added, .99):.3f} ms")
# The first two events of a stream arrive with the head in one read (the mock writes them at once),
# so they wait for the head's work and for each other: shown apart.
print(f"  without each stream's first two chunks: p50 {pct(later, .5):.3f} ms, p99 {pct(later, .99):.3f} ms")
print(f"  of which inside the proxy (upstream arrival -> downstream write): p50 {pct(own, .5):.3f} ms, p99 {pct(own, .99):.3f} ms")
PY

# The floor the per-chunk figures stand on: what one extra loopback hop through a relay that only
# recv()s and send()s (C, blocking, TCP_NODELAY) adds on this machine, with the same idle gaps.
if command -v cc >/dev/null && cc -O2 -pthread -o "$DIR/hop-floor" Benchmarks/hop-floor.c 2>/dev/null; then
  echo "floor: a do-nothing C relay on this machine (Benchmarks/hop-floor.c; relay minus direct is its added time):"
  "$DIR/hop-floor" 1000 | sed 's/^/  /'
fi

echo "non-streamed throughput (wrk -t1 -c16 -d5s, Benchmarks/chat.lua), alternated:"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
# wrk's own CPU (user + system seconds, from bash's `time`) goes to $DIR/wrk.cpu.
TIMEFORMAT='%U %S'
wrk_run() { { time wrk -t1 -c16 -d5s -s Benchmarks/chat.lua "$1" 2>/dev/null >"$DIR/wrk.out"; } 2>"$DIR/wrk.cpu" || true; grep '^RESULT' "$DIR/wrk.out" || true; }
requests() { echo "$1" | sed -n 's/.*requests=\([0-9]*\).*/\1/p'; }
us_per() { python3 -c "import sys; print(f'{$1/$2*1e6:.1f}')"; }
wrk_us() { us_per "$(awk '{print $1 + $2}' "$DIR/wrk.cpu")" "$1"; }
for round in $(seq "${ROUNDS:-2}"); do
  m0=$(ticks "$FAST_PID")
  d=$(wrk_run "$FAST/v1/chat/completions"); m1=$(ticks "$FAST_PID"); dn=$(requests "$d")
  dw=""; [ -n "$dn" ] && [ "$dn" -gt 0 ] && dw=$(wrk_us "$dn")
  p0=$(ticks "$PROXYFAST_PID"); m2=$(ticks "$FAST_PID")
  p=$(wrk_run "$PROXYFAST/v1/chat/completions"); p1=$(ticks "$PROXYFAST_PID"); m3=$(ticks "$FAST_PID"); n=$(requests "$p")
  echo "  round $round direct: $d"
  echo "  round $round proxy:  $p"
  if [ -n "$dn" ] && [ "$dn" -gt 0 ] && [ -n "$n" ] && [ "$n" -gt 0 ]; then
    pw=$(wrk_us "$n")
    python3 - "$dw" "$(us_per "($m1-$m0)/$HZ" "$dn")" "$pw" "$(us_per "($p1-$p0)/$HZ" "$n")" "$(us_per "($m3-$m2)/$HZ" "$n")" "$round" <<'PY'
# CPU µs per request: wrk and mock in the direct run; wrk, proxy and mock behind it in the proxy run.
# With every process on the same 2 cores, the best ratio proxy/direct is (w+m)/(w'+m'+p).
import sys
dw, dm, pw, pp, pm = map(float, sys.argv[1:6]); r = sys.argv[6]
print(f"  round {r} CPU per request: direct wrk {dw:.1f} + mock {dm:.1f} us; through the proxy wrk {pw:.1f} + proxy {pp:.1f} + mock {pm:.1f} us")
print(f"  round {r} 2-core ceiling (w+m)/(w'+m'+p): {(dw + dm) / (pw + pm + pp):.2f}")
PY
  fi
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
