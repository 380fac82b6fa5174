#!/usr/bin/env bash
# Wall time of `llmcheck diagnose` (numbers, not pass/fail tests):
#   1. nothing listens on the port (target: well under 1 s, port scan included);
#   2. nothing listens anywhere, no URL (default targets 11434 + 1234, full default scan);
#   3. a port that accepts but never answers (must be bounded by --read-timeout).
#
#   Benchmarks/diagnose-bench.sh                  # builds release into .build-diagnose first
#   LLMCHECK_BIN=path/to/llmcheck Benchmarks/diagnose-bench.sh
# Needs hyperfine (apt-get install hyperfine) and python3 (for the silent listener).
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${LLMCHECK_BIN:-}" ]; then
  (cd "$repo" && swift build -c release --scratch-path .build-diagnose --product llmcheck >/dev/null) || { echo "release build failed"; exit 2; }
  LLMCHECK_BIN=$repo/.build-diagnose/release/llmcheck
fi
bin=$LLMCHECK_BIN
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

dead=$(free_port)
echo "== 1. nothing listens on 127.0.0.1:$dead (default scan of 9 loopback ports)"
hyperfine -N -i --warmup 3 --runs 30 "$bin diagnose http://127.0.0.1:$dead"

echo "== 2. no URL, nothing configured (OLLAMA_HOST etc. unset)"
hyperfine -N -i --warmup 3 --runs 30 "env -i PATH=/usr/bin:/bin $bin diagnose"

echo "== 3. accepts but never answers"
port_file=$(mktemp)
python3 - "$port_file" <<'PY' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
held = []
s.settimeout(0.2)
end = time.time() + 600
while time.time() < end:
    try:
        c, _ = s.accept(); held.append(c)
    except socket.timeout:
        pass
PY
listener=$!
trap 'kill $listener 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.1; done
hang=$(cat "$port_file")
for rt in 1 2 5; do
  hyperfine -N -i --warmup 1 --runs 5 "$bin diagnose http://127.0.0.1:$hang --read-timeout $rt --no-scan"
done
