#!/usr/bin/env bash
# Hostile servers against the client: peak resident memory, wall time, exit code and the error
# of `llmcheck models` / `llmcheck chat` for each case. Rerunnable; loopback only.
#
#   Benchmarks/hostile-client.sh                   # uses .build/release/llmcheck, else .build/debug/llmcheck
#   LLMCHECK=path/to/llmcheck Benchmarks/hostile-client.sh
#
# Cases: a fast 1 GB Content-Length body (chat --no-stream, models), an endless chunked JSON body
# (models), endless fast NDJSON (Ollama chat stream), endless fast SSE (OpenAI chat stream), a body
# trickled one byte per 0.5 s (--timeout 5), garbage instead of HTTP, a port that accepts and
# never answers (default timeouts), and https:// to a plain-HTTP port that waits for a line end.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${LLMCHECK:-}"
if [[ -z "$BIN" ]]; then
  if [[ -x .build/release/llmcheck ]]; then BIN=.build/release/llmcheck; else BIN=.build/debug/llmcheck; fi
fi
[[ -x "$BIN" ]] || { echo "no llmcheck binary (swift build first)" >&2; exit 1; }
echo "binary: $BIN"
exec python3 - "$BIN" <<'PY'
import os, random, resource, socket, subprocess, sys, threading, time

BIN = sys.argv[1]

def read_head(conn):
    data = b""
    conn.settimeout(5)
    try:
        while b"\r\n\r\n" not in data and len(data) < 65536:
            piece = conn.recv(4096)
            if not piece:
                break
            data += piece
    except OSError:
        pass
    conn.settimeout(None)
    return data

def chunk(payload):
    return b"%x\r\n" % len(payload) + payload + b"\r\n"

def serve(mode, conn):
    try:
        if mode == "silent":
            time.sleep(3600)
            return
        if mode == "waits-for-line-end":
            # A plain HTTP server: answers only once it has a whole request head.
            data = read_head(conn)
            if b"\r\n\r\n" in data:
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            time.sleep(1)
            return
        read_head(conn)
        if mode == "biglength":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{\"models\":[\"")
            block = b"a" * 65536
            while True:
                conn.sendall(block)
        elif mode == "endless-chunked":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk(b"{\"models\":["))
            block = chunk(b"{\"name\":\"m\",\"model\":\"m\",\"size\":1}," * 2000)
            while True:
                conn.sendall(block)
        elif mode == "ndjson":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n")
            line = b"{\"model\":\"m\",\"created_at\":\"2025-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\"hello \"},\"done\":false}\n"
            block = chunk(line * 600)
            while True:
                conn.sendall(block)
        elif mode == "sse":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
            event = b"data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hello \"},\"finish_reason\":null}]}\n\n"
            block = chunk(event * 400)
            while True:
                conn.sendall(block)
        elif mode == "trickle":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
            while True:
                conn.sendall(b" ")
                time.sleep(0.5)
        elif mode == "garbage":
            rng = random.Random(7)
            while True:
                conn.sendall(bytes(rng.randrange(256) for _ in range(65536)))
    except OSError:
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass

def start(mode):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    def loop():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(mode, conn), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
    return listener, listener.getsockname()[1]

CASES = [
    ("chat --no-stream, fast 1 GB Content-Length", "biglength", "chat --provider ollama --model m --no-stream hi"),
    ("models, fast 1 GB Content-Length", "biglength", "models --provider ollama"),
    ("models, endless chunked body", "endless-chunked", "models --provider ollama"),
    ("chat, endless fast NDJSON", "ndjson", "chat --provider ollama --model m hi"),
    ("chat, endless fast SSE", "sse", "chat --provider openai --model m hi"),
    ("chat --no-stream, 1 byte / 0.5 s, --timeout 5", "trickle", "chat --provider ollama --model m --no-stream --timeout 5 hi"),
    ("models, garbage instead of HTTP", "garbage", "models --provider ollama"),
    ("models, accepts and never answers (defaults)", "silent", "models --provider ollama"),
    ("chat, https:// to a plain port waiting for a line end", "waits-for-line-end", "chat --provider ollama --model m hi"),
]

print(f"{'case':58} {'exit':>4} {'wall s':>7} {'peak RSS MB':>11}  error")
for title, mode, command in CASES:
    listener, port = start(mode)
    scheme = "https" if mode == "waits-for-line-end" else "http"
    args = [BIN] + command.split() + ["--url", f"{scheme}://127.0.0.1:{port}", "--no-proxy"]
    started = time.monotonic()
    with open(f"/tmp/hostile-client-{os.getpid()}.err", "w+b") as errfile:
        child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=errfile)
        status, rss_kb, note = None, 0, ""
        while status is None:
            pid, raw, usage = os.wait4(child.pid, os.WNOHANG)
            if pid == child.pid:
                status, rss_kb = os.waitstatus_to_exitcode(raw), usage.ru_maxrss
            elif time.monotonic() - started > 120:
                child.kill()
                note = " (killed after 120 s)"
            else:
                time.sleep(0.02)
        wall = time.monotonic() - started
        errfile.seek(0)
        err = errfile.read().decode(errors="replace")
    listener.close()
    lines = [l for l in err.splitlines() if l.startswith("error")]
    shown = (lines[-1] if lines else err.strip()[-100:]) + note
    print(f"{title:58} {status:>4} {wall:>7.2f} {rss_kb / 1024:>11.1f}  {shown[:120]}", flush=True)
PY
