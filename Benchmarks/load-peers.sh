#!/usr/bin/env bash
# `llmcheck load` side by side with NVIDIA AIPerf (PyPI `aiperf`) on the same mock and the same load
# (a benchmark, not a test):
#   1. agreement: `serve openai --ttft 100ms --tps 50`, concurrency 64, streaming, max_tokens 50 — TTFT, ITL,
#      TPOT, E2E p50 and throughput from both tools (target: within 5 %);
#   2. capacity: an instant mock, concurrency 64, non-streaming — requests/s of both (target: llmcheck ≥ 10×).
#
# AIPerf runs offline from a venv: it is given a local word-level tokenizer in an HF cache layout and
# --use-server-token-count (token counts from the server's usage, as llmcheck does).
#   AIPERF_VENV=/tmp/load-aiperf-venv Benchmarks/load-peers.sh     # creates the venv from PyPI if missing
#   LLMCHECK_BIN=.build/release/llmcheck REQUESTS=1280 Benchmarks/load-peers.sh
# guidellm is not run: it pulls torch (a ~6 GB venv).
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${LLMCHECK_BIN:-}" ]; then
  (cd "$repo" && swift build -c release --product llmcheck >/dev/null) || { echo "release build failed"; exit 2; }
  LLMCHECK_BIN=$repo/.build/release/llmcheck
fi
bin=$LLMCHECK_BIN
venv=${AIPERF_VENV:-/tmp/load-aiperf-venv}
requests=${REQUESTS:-1280}
capacity_requests=${CAPACITY_REQUESTS:-4000}
if [ ! -x "$venv/bin/aiperf" ]; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q aiperf || { echo "cannot install aiperf"; exit 2; }
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/llmcheck-load-peers.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT

# A word-level tokenizer in the Hugging Face cache layout, so AIPerf never reaches the hub.
export HF_HOME=$work/hf HF_HUB_OFFLINE=1
snapshot=$HF_HOME/hub/models--local--loadtok/snapshots/0123456789abcdef0123456789abcdef01234567
mkdir -p "$snapshot" "$HF_HOME/hub/models--local--loadtok/refs"
printf 0123456789abcdef0123456789abcdef01234567 >"$HF_HOME/hub/models--local--loadtok/refs/main"
"$venv/bin/python" - "$snapshot" "$repo/docs/load.md" <<'PY'
import json, re, sys
from tokenizers import Tokenizer, models, pre_tokenizers, decoders
words = sorted(set(re.findall(r"[A-Za-z]+", open(sys.argv[2]).read())))
vocab = {"[UNK]": 0}
for w in words: vocab.setdefault(w, len(vocab))
tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
tok.pre_tokenizer = pre_tokenizers.Whitespace()
tok.decoder = decoders.WordPiece(prefix="##")
tok.save(sys.argv[1] + "/tokenizer.json")
json.dump({"tokenizer_class": "PreTrainedTokenizerFast", "unk_token": "[UNK]", "model_max_length": 100000}, open(sys.argv[1] + "/tokenizer_config.json", "w"))
PY

serve() { # out-file, args... ; sets $url
  local out=$1; shift
  "$bin" serve openai --port 0 --seed 1 "$@" >"$out" 2>"$out.err" &
  pids+=("$!")
  for _ in $(seq 1 100); do [ -s "$out" ] && { url=$(head -1 "$out"); return 0; }; sleep 0.05; done
  echo "serve did not start" >&2; exit 2
}
aiperf() { # out-dir, extra args...
  local out=$1; shift
  "$venv/bin/aiperf" profile -m gpt-4o-mini --url "$url" --endpoint-type chat --concurrency 64 --tokenizer local/loadtok \
    --use-server-token-count --ui-type none --output-artifact-dir "$out" "$@" >"$out.log" 2>&1 || { echo "aiperf failed: $out.log"; tail -5 "$out.log"; }
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

serve "$work/physics.url" --ttft 100ms --tps 50
"$bin" load --url "$url" --provider openai --model gpt-4o-mini --concurrency 64 --requests "$requests" --warmup 64 --max-tokens 50 \
  --json --quiet >"$work/ours.json"
aiperf "$work/aiperf-physics" --streaming --request-count "$requests" --warmup-request-count 64 --extra-inputs max_tokens:50

serve "$work/instant.url"
"$bin" load --url "$url" --provider openai --model gpt-4o-mini --no-stream --concurrency 64 --requests "$capacity_requests" \
  --warmup 64 --max-tokens 16 --json --quiet >"$work/ours-capacity.json"
aiperf "$work/aiperf-capacity" --request-count "$capacity_requests" --warmup-request-count 64 --extra-inputs max_tokens:16

python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
ours = json.load(open(f"{w}/ours.json")); theirs = json.load(open(f"{w}/aiperf-physics/profile_export_aiperf.json"))
m = ours["metrics"]
rows = [
    ("TTFT p50 (ms)", m["ttft_ms"]["p50"], theirs["time_to_first_token"]["p50"]),
    ("chunk gaps p50 (ms): our itl / AIPerf ICL", m["itl_ms"]["p50"], theirs["inter_chunk_latency"]["p50"]),
    ("TPOT p50 (ms): our tpot / AIPerf ITL", m["tpot_ms"]["p50"], theirs["inter_token_latency"]["p50"]),
    ("E2E p50 (ms)", m["e2e_ms"]["p50"], theirs["request_latency"]["p50"]),
    ("requests/s", ours["throughput"]["requests_per_s"], theirs["request_throughput"]["avg"]),
    ("output tokens/s", ours["throughput"]["output_tokens_per_s"], theirs["output_token_throughput"]["avg"]),
]
print(f"{'same mock, concurrency 64, streaming':46} {'llmcheck':>10} {'AIPerf':>10} {'diff':>8}")
for name, a, b in rows:
    print(f"{name:46} {a:10.3f} {b:10.3f} {100*(a-b)/b:+7.2f}%")
oc = json.load(open(f"{w}/ours-capacity.json")); tc = json.load(open(f"{w}/aiperf-capacity/profile_export_aiperf.json"))
a, b = oc["throughput"]["requests_per_s"], tc["request_throughput"]["avg"]
print(f"capacity, non-streaming, concurrency 64: llmcheck {a:.0f} req/s, AIPerf {b:.0f} req/s → {a/b:.1f}× (target ≥ 10×)")
print(f"errors: llmcheck {ours['errors']} / {oc['errors']}; AIPerf {theirs.get('error_summary')} / {tc.get('error_summary')}")
PY
