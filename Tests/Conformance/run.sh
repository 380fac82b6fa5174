#!/usr/bin/env bash
# Official-client conformance: the real openai-python and ollama-python clients against
# `llmcheck serve ollama|lmstudio|openai`. Prints "N passed, M failed" and exits non-zero on failure.
#
#   Tests/Conformance/run.sh [path/to/llmcheck]      (default: .build/debug/llmcheck)
#
# Env: CONFORMANCE_VENV (see venv.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-.build/debug/llmcheck}
[ -x "$bin" ] || { echo "llmcheck binary not found: $bin"; echo "0 passed, 1 failed"; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
work=${TMPDIR:-/tmp}
. "$here/venv.sh"
[ "$venv_ok" = 1 ] || { echo "could not install the official clients"; echo "0 passed, 1 failed"; exit 1; }

logdir=$(mktemp -d "$work/llmcheck-conformance.XXXXXX")
# The control token every `serve` below requires for changes on /__llmcheck/ (conformance.py sends it).
LLMCHECK_CONTROL_TOKEN=conformance-$$-$RANDOM
export LLMCHECK_CONTROL_TOKEN
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$logdir"
}
trap cleanup EXIT

start() { # name, args... ; sets $url (no subshell: the pid must reach cleanup)
  local name=$1; shift
  "$bin" serve "$@" --port 0 --seed 1 >"$logdir/$name.out" 2>"$logdir/$name.err" &
  pids+=($!)
  url=""
  for _ in $(seq 1 100); do
    [ -s "$logdir/$name.out" ] && { url=$(head -1 "$logdir/$name.out"); return 0; }
    sleep 0.05
  done
  echo "serve $name did not start: $(cat "$logdir/$name.err")" >&2
  return 1
}
start ollama ollama || { echo "0 passed, 1 failed"; exit 1; }
ollama_url=$url
start lmstudio lmstudio || { echo "0 passed, 1 failed"; exit 1; }
lmstudio_url=$url
start openai openai --api-key sk-conformance-key-0001 || { echo "0 passed, 1 failed"; exit 1; }
openai_url=$url

"$venv/bin/python" "$here/conformance.py" --ollama "$ollama_url" --lmstudio "$lmstudio_url" --openai "$openai_url" --key sk-conformance-key-0001
status=$?
# Graceful stop on SIGTERM is part of the contract.
for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
for p in "${pids[@]}"; do
  for _ in $(seq 1 60); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
  if kill -0 "$p" 2>/dev/null; then echo "serve (pid $p) ignored SIGTERM"; status=1; fi
done
pids=()
exit $status
