#!/usr/bin/env bash
# Server CPU time and context switches per request under wrk — the robust A/B figure on a shared
# machine, where wall-clock req/s swings with the load. Numbers, not a test.
#
#   llmcheck serve openai --port 18995 &            # one or more builds, each on its own port
#   Benchmarks/server-cpu.sh 18995 [SECONDS]        # alternate ports: A B A B …
#
# Prints: p99, req/s, server CPU µs per request (utime+stime from /proc/PID/stat) and its user-space
# part (utime: our code; stime moves with how the scheduler places the server and wrk on the cores,
# for the same syscalls), context switches per request (summed over /proc/PID/task/*/status), thread
# count. Linux only; needs wrk.
set -eu
port=$1 seconds=${2:-4}
here=$(cd "$(dirname "$0")" && pwd)
lua=${CHAT_LUA:-$here/chat.lua}
pid=$(pgrep -f "llmcheck serve .*--port $port( |$)" | head -1)
[ -n "$pid" ] || { echo "no llmcheck serve on port $port" >&2; exit 2; }
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
user() { awk '{print $14}' "/proc/$pid/stat"; }
switches() { cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s + 0}'; }
c0=$(cpu) u0=$(user) s0=$(switches)
out=$(wrk -t1 -c16 -d"${seconds}s" --latency -s "$lua" "http://127.0.0.1:$port/v1/chat/completions" | grep '^RESULT')
c1=$(cpu) u1=$(user) s1=$(switches)
python3 - "$out" "$c0" "$c1" "$s0" "$s1" "$(getconf CLK_TCK)" "$(ls /proc/"$pid"/task | wc -l)" "$port" "$u0" "$u1" <<'P'
import re, sys
out, c0, c1, s0, s1, tck, threads, port, u0, u1 = sys.argv[1:]
f = dict(re.findall(r"(\w+)=([\d.]+)", out))
req = int(f["requests"])
print(f"port {port}: p99 {f['p99_ms']} ms, {float(f['rps']):.0f} req/s, "
      f"{(float(c1) - float(c0)) / int(tck) * 1e6 / req:.2f} µs CPU/req "
      f"({(float(u1) - float(u0)) / int(tck) * 1e6 / req:.2f} user), "
      f"{(int(s1) - int(s0)) / req:.3f} switches/req, {threads} threads, errors {f['non2xx_or_err']}")
P
