#!/usr/bin/env bash
# The client battery (Scenarios/clients) against real clients no one here wrote, and against
# `llmcheck chat` as the reference; the findings are compared with the committed baseline.
#
#   Tests/Conformance/clients/run.sh [path/to/llmcheck] [--update]
#
# Clients: llmcheck-chat (every scenario), openai_client.py (OpenAI and LM Studio scenarios: the
# openai SDK speaks no Ollama NDJSON), ollama_client.py (Ollama scenarios). Reports go to
# $CLIENT_REPORTS (default a temporary directory). --update rewrites baseline.json and the
# scorecard in docs/clients.md instead of comparing. Exit 1 on a difference from the baseline.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
bin=${1:-$root/.build/debug/llmcheck}
[ -x "$bin" ] || { echo "llmcheck binary not found: $bin"; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
update=${2:-}
. "$here/../venv.sh"
[ "$venv_ok" = 1 ] || { echo "could not install the official clients"; exit 1; }
out=${CLIENT_REPORTS:-$(mktemp -d "${TMPDIR:-/tmp}/llmcheck-clients.XXXXXX")}
mkdir -p "$out"
jobs=$(nproc 2>/dev/null || echo 2)
cd "$root"

battery() { # name, filter, client command
  local name=$1 filter=$2 client=$3 started=$SECONDS
  "$bin" run Scenarios/clients --filter "$filter" --client "$client" --jobs "$jobs" --out "$out/$name" >"$out/$name.log" 2>&1
  echo "$name: $(tail -2 "$out/$name.log" | head -1) [$((SECONDS - started)) s]"
}
battery llmcheck-chat '^clients\.' 'llmcheck chat'
battery openai_client '^clients\.(openai|lmstudio)\.' "$venv/bin/python Tests/Conformance/clients/openai_client.py"
battery ollama_client '^clients\.ollama\.' "$venv/bin/python Tests/Conformance/clients/ollama_client.py"

python3 "$here/scorecard.py" --baseline "$here/baseline.json" --docs "$root/docs/clients.md" $update \
  llmcheck-chat="$out/llmcheck-chat" openai_client="$out/openai_client" ollama_client="$out/ollama_client"
