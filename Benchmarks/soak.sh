#!/usr/bin/env bash
# The long fuzz-and-soak run (numbers, not a test; the test suite runs bounded versions):
#   1. the request parser: PARSER_INPUTS seeded mutated requests, whole and split (`llmcheck bench --parser-fuzz`);
#   2. a release `llmcheck serve ollama`: FAULTED requests with random fault specs (every kind, plus out-of-range
#      and malformed specs that must be refused with 400), CONCURRENCY at a time;
#   3. ABANDONED connections whose clients leave a `delay_headers=1000s` / endless `stall` after 50 ms;
# then prints crashes, hangs, descriptors, threads and RSS of the server before and after.
#
#   swift build -c release --product llmcheck
#   Benchmarks/soak.sh [path/to/llmcheck]
#
# Environment: PARSER_INPUTS (default 1000000), FAULTED (10000), ABANDONED (2000), CONCURRENCY (32), SEED (1),
# SETTLE (seconds to wait before the "after" figures, default 8: idle serving threads retire after 5 s).
# Exit status 1 if anything crashed or hung, or descriptors did not return to baseline. Linux only.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-}
if [ -z "$bin" ]; then
    for candidate in "$here/../.build/release/llmcheck" "$here/../.build-release/release/llmcheck"; do
        [ -x "$candidate" ] && bin=$candidate && break
    done
fi
[ -n "$bin" ] && [ -x "$bin" ] || { echo "no release llmcheck found; pass its path" >&2; exit 2; }
PARSER_INPUTS=${PARSER_INPUTS:-1000000} FAULTED=${FAULTED:-10000} ABANDONED=${ABANDONED:-2000}
CONCURRENCY=${CONCURRENCY:-32} SEED=${SEED:-1} SETTLE=${SETTLE:-8}
failed=0

echo "== 1. request parser: $PARSER_INPUTS inputs (seed $SEED)"
set +e
"$bin" bench --parser-fuzz "$PARSER_INPUTS" --fuzz-seed "$SEED"
status=$?
set -e
if [ "$status" -ne 0 ]; then
    echo "parser fuzz: exit $status ($([ "$status" -gt 128 ] && echo "crash, signal $((status - 128))" || echo "split mismatch"))"
    failed=1
fi

echo "== 2-3. release serve: $FAULTED faulted requests, $ABANDONED abandoned connections"
out=$(mktemp) err=$(mktemp)
"$bin" serve ollama --port 0 --tps 2000 --seed "$SEED" >"$out" 2>"$err" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$out" "$err"' EXIT
for _ in $(seq 1 100); do grep -q '^http' "$out" 2>/dev/null && break; sleep 0.05; done
url=$(grep -m1 '^http' "$out") || { echo "serve did not start:"; cat "$err"; exit 1; }
set +e
python3 - "$url" "$pid" "$FAULTED" "$ABANDONED" "$CONCURRENCY" "$SEED" "$SETTLE" <<'PY'
import json, os, random, socket, sys, threading, time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

url, pid, faulted, abandoned, concurrency, seed, settle = sys.argv[1:]
pid, faulted, abandoned, concurrency, seed, settle = int(pid), int(faulted), int(abandoned), int(concurrency), int(seed), float(settle)
host, port = urlparse(url).hostname, urlparse(url).port

def snapshot():
    def count(path):
        try: return len(os.listdir(path))
        except OSError: return -1
    rss = -1
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"): rss = int(line.split()[1]) // 1024
    except OSError: pass
    return {"alive": os.path.exists(f"/proc/{pid}"), "fds": count(f"/proc/{pid}/fd"), "threads": count(f"/proc/{pid}/task"), "rss_mb": rss}

# Every fault kind with small durations, schedules, and specs that must be refused (400).
valid = ["delay_headers=20ms", "delay_body=10ms", "stall=after:2,for:50ms", "close=after:1", "cut=after:2", "rst=headers",
         "rst=after:1", "malformed=chunk:2", "content_type=text/html", "content_type=none", "bad_chunked=after:1",
         "length_mismatch=+20", "length_mismatch=-5", "drip=20000", "status=429,retry_after=1", "status=503,retry_after_ms=100",
         "status=500,message=\"a, b\"", "stream_error=after:2,message=boom", "status=401,should_retry=false"]
invalid = ["status=429,retry_after=1e300", "status=429,retry_after=9.3e18", "length_mismatch=9223372036854775807",
           "delay_headers=1e10", "drip=99999999999999999999", "stall=after:-1", "status=200", "nonsense", "", "stall=after:1,for:1e300",
           "delay_body=5000s", "times=0,close=after:1", "p=2,rst", "malformed=chunk:0"]
bodies = [("POST", "/api/chat", '{"model":"llama3.2:3b","messages":[{"role":"user","content":"hi"}]}'),
          ("POST", "/api/chat", '{"model":"llama3.2:3b","stream":false,"messages":[{"role":"user","content":"hi"}]}'),
          ("POST", "/api/generate", '{"model":"llama3.2:3b","prompt":"hi"}'), ("GET", "/api/tags", None),
          ("POST", "/v1/chat/completions", '{"model":"llama3.2:3b","stream":true,"messages":[{"role":"user","content":"hi"}]}')]

def request(i):
    rng = random.Random(seed * 1_000_003 + i)
    spec = rng.choice(invalid) if rng.random() < 0.2 else rng.choice(valid)
    method, path, body = rng.choice(bodies)
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\nX-LLMCheck-Fault: {spec}\r\n"
    if body is not None: head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    data = (head + "\r\n" + (body or "")).encode()
    start = time.monotonic()
    try:
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(data)
            got = b""
            while True:
                chunk = s.recv(65536)
                if not chunk: break
                got += chunk
        status = int(got.split(b" ", 2)[1]) if got.startswith(b"HTTP/1.1 ") else None
        if spec in invalid and status != 400: return ("wrong", f"{spec!r} got {status}")
        return ("ok", None)
    except socket.timeout:
        return ("hang", f"{spec!r} {method} {path} after {time.monotonic() - start:.1f} s")
    except (ConnectionResetError, BrokenPipeError):
        return ("ok", None)  # rst faults
    except OSError as e:
        return ("error", f"{spec!r}: {e}")

def abandon(i):
    rng = random.Random(seed * 7 + i)
    spec = rng.choice(["delay_headers=1000s", "stall=after:1", "delay_body=1000s", "drip=1"])
    try:
        s = socket.create_connection((host, port), timeout=5)
        s.sendall(f"POST /api/chat HTTP/1.1\r\nHost: {host}:{port}\r\nX-LLMCheck-Fault: {spec}\r\nContent-Length: 2\r\n\r\n{{}}".encode())
        time.sleep(0.05)
        s.close()
        return "ok"
    except OSError as e:
        return f"error {e}"

before = snapshot()
t0 = time.monotonic()
with ThreadPoolExecutor(concurrency) as pool:
    results = list(pool.map(request, range(faulted)))
t1 = time.monotonic()
with ThreadPoolExecutor(200) as pool:
    abandoned_results = list(pool.map(abandon, range(abandoned)))
t2 = time.monotonic()
during = snapshot()
time.sleep(settle)
after = snapshot()
counts = {k: sum(1 for r in results if r[0] == k) for k in ("ok", "hang", "wrong", "error")}
print(f"faulted requests: {faulted} in {t1 - t0:.1f} s: ok {counts['ok']}, hangs {counts['hang']}, wrong answers {counts['wrong']}, errors {counts['error']}")
for kind in ("hang", "wrong", "error"):
    for r in [r for r in results if r[0] == kind][:5]: print(f"  {kind}: {r[1]}")
print(f"abandoned connections: {abandoned} in {t2 - t1:.1f} s, client errors {sum(1 for r in abandoned_results if r != 'ok')}")
for name, snap in (("before", before), ("right after", during), (f"after {settle:.0f} s", after)):
    print(f"server {name:>12}: alive {snap['alive']}, fds {snap['fds']}, threads {snap['threads']}, RSS {snap['rss_mb']} MB")
crashed = not after["alive"]
print(f"crashes: {1 if crashed else 0}, hangs: {counts['hang']}")
ok = not crashed and counts["hang"] == 0 and counts["wrong"] == 0 and after["fds"] <= before["fds"] + 2
sys.exit(0 if ok else 1)
PY
status=$?
set -e
[ "$status" -eq 0 ] || failed=1
if ! kill -0 "$pid" 2>/dev/null; then echo "serve died:"; tail -20 "$err"; failed=1; fi
exit "$failed"
