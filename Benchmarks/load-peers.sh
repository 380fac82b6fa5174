#!/usr/bin/env bash
# `llmcheck load` side by side with NVIDIA AIPerf (PyPI `aiperf`) and guidellm (PyPI `guidellm`) on the same
# mock and the same load (a benchmark, not a test):
#   1. agreement: `serve openai --ttft 100ms --tps 50`, streaming, max_tokens 50, at each concurrency of
#      CONCURRENCIES (default "1 4 16 64") — TTFT, ITL, TPOT, E2E p50 and throughput from each tool (target:
#      within 5 %). Each tool gets a fresh mock per level (answering a fixed reply cut at max_tokens, so
#      every request of every tool carries 50 tokens; REPLY=seeded for the per-prompt answers), and the
#      mock's journal gives the server-side TTFT of that tool's own requests, so the table shows what each
#      client added to the configured 100 ms;
#   2. capacity: an instant mock, concurrency 64, non-streaming — requests/s of each (target: llmcheck ≥ 10×
#      the faster peer). CAPACITY=0 skips it.
#
# Both peers run offline from venvs, with a local word-level tokenizer (AIPerf finds it in an HF cache
# layout, guidellm by its directory) and token counts from the server's usage, as llmcheck does (AIPerf
# --use-server-token-count; guidellm prefers response metrics by default). guidellm is driven by a scenario
# file (its 0.8 command line takes kind=… objects); it needs torch, so its venv is made from a local CPU
# wheel when TORCH_WHEEL names one (PyPI's default torch wheel is several GB). GUIDELLM=0 skips it.
# Requests per level: 20 per stream, at least MIN_REQUESTS (default 64); warmup: one per stream, at least 4.
#   AIPERF_VENV=/tmp/load-aiperf-venv GUIDELLM_VENV=/tmp/load-guidellm-venv TORCH_WHEEL=/path/torch-…-cpu.whl \
#     Benchmarks/load-peers.sh                                    # creates missing venvs from PyPI
#   LLMCHECK_BIN=.build/release/llmcheck CONCURRENCIES="1 16 64" CAPACITY=0 Benchmarks/load-peers.sh
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${LLMCHECK_BIN:-}" ]; then
  (cd "$repo" && swift build -c release --product llmcheck >/dev/null) || { echo "release build failed"; exit 2; }
  LLMCHECK_BIN=$repo/.build/release/llmcheck
fi
bin=$LLMCHECK_BIN
venv=${AIPERF_VENV:-/tmp/load-aiperf-venv}
gvenv=${GUIDELLM_VENV:-/tmp/load-guidellm-venv}
use_guidellm=${GUIDELLM:-1}
concurrencies=${CONCURRENCIES:-1 4 16 64}
min_requests=${MIN_REQUESTS:-64}
run_capacity=${CAPACITY:-1}
capacity_requests=${CAPACITY_REQUESTS:-4000}
if [ ! -x "$venv/bin/aiperf" ]; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q aiperf || { echo "cannot install aiperf"; exit 2; }
fi
if [ "$use_guidellm" = 1 ] && [ ! -x "$gvenv/bin/guidellm" ]; then
  python3 -m venv "$gvenv" && { [ -z "${TORCH_WHEEL:-}" ] || "$gvenv/bin/pip" install -q "$TORCH_WHEEL"; } \
    && "$gvenv/bin/pip" install -q guidellm || { echo "cannot install guidellm"; exit 2; }
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
aiperf() { # out-dir, concurrency, extra args...
  local out=$1 c=$2; shift 2
  "$venv/bin/aiperf" profile -m gpt-4o-mini --url "$url" --endpoint-type chat --concurrency "$c" --tokenizer local/loadtok \
    --use-server-token-count --ui-type none --output-artifact-dir "$out" "$@" >"$out.log" 2>&1 || { echo "aiperf failed: $out.log"; tail -5 "$out.log"; }
}
guidellm() { # out-file, streaming (true|false), requests, max_tokens, concurrency, warmup
  [ "$use_guidellm" = 1 ] || return 0
  local out=$1
  cat >"$out.scenario.json" <<JSON
{"spec": {
  "backend": {"kind": "openai_http", "target": "$url", "model": "gpt-4o-mini", "max_tokens": $4, "stream": $2, "http2": false,
              "validate_backend": false},
  "profile": {"kind": "concurrent", "streams": [$5], "warmup": $6},
  "data": [{"kind": "synthetic_text", "prompt_tokens": 32, "output_tokens": $4}],
  "constraints": [{"kind": "max_requests", "count": $(($3 + $6))}],
  "tokenizer": {"kind": "huggingface_auto", "model": "$snapshot"},
  "outputs": [{"kind": "json", "path": "$out"}]
}}
JSON
  "$gvenv/bin/guidellm" run --config "$out.scenario.json" --disable-console-interactive >"$out.log" 2>&1 \
    || { echo "guidellm failed: $out.log"; tail -5 "$out.log"; }
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

journal() { curl -s "$url/__llmcheck/journal" >"$1" 2>/dev/null || true; }
# Every tool sends its own prompts, and the mock's seeded answers differ in length per prompt, so E2E and
# throughput would follow the prompts. A fixed reply longer than max_tokens gives every request of every
# tool exactly 50 tokens (finish_reason "length"). REPLY=seeded keeps the per-prompt answers.
reply_args=()
if [ "${REPLY:-fixed}" = fixed ]; then
  reply_args=(--reply "$(for i in $(seq 1 64); do printf 'word%d ' "$i"; done)")
fi
for c in $concurrencies; do
  n=$((20 * c)); [ "$n" -lt "$min_requests" ] && n=$min_requests
  w=$c; [ "$w" -lt 4 ] && w=4
  d=$work/c$c; mkdir -p "$d"
  echo "concurrency $c: $n requests, warmup $w; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  serve "$d/ours.url" --ttft 100ms --tps 50 "${reply_args[@]}"
  "$bin" load --url "$url" --provider openai --model gpt-4o-mini --concurrency "$c" --requests "$n" --warmup "$w" --max-tokens 50 \
    --json --quiet >"$d/ours.json"
  journal "$d/ours.journal.json"
  serve "$d/aiperf.url" --ttft 100ms --tps 50 "${reply_args[@]}"
  aiperf "$d/aiperf" "$c" --streaming --request-count "$n" --warmup-request-count "$w" --extra-inputs max_tokens:50
  journal "$d/aiperf.journal.json"
  if [ "$use_guidellm" = 1 ]; then
    serve "$d/guidellm.url" --ttft 100ms --tps 50 "${reply_args[@]}"
    guidellm "$d/guidellm.json" true "$n" 50 "$c" "$w"
    journal "$d/guidellm.journal.json"
  fi
  echo "  $(cut -d' ' -f1-3 /proc/loadavg) after"
done

if [ "$run_capacity" = 1 ]; then
  serve "$work/instant.url"
  "$bin" load --url "$url" --provider openai --model gpt-4o-mini --no-stream --concurrency 64 --requests "$capacity_requests" \
    --warmup 64 --max-tokens 16 --json --quiet >"$work/ours-capacity.json"
  aiperf "$work/aiperf-capacity" 64 --request-count "$capacity_requests" --warmup-request-count 64 --extra-inputs max_tokens:16
  guidellm "$work/guidellm-capacity.json" false "$capacity_requests" 16 64 64
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work" "$concurrencies" <<'PY'
import json, sys
w, levels = sys.argv[1], sys.argv[2].split()
def load(path):
    try: return json.load(open(path))
    except (OSError, ValueError): return None
def pct(xs, q):
    xs = sorted(xs)
    if not xs: return None
    k = (len(xs) - 1) * q; f = int(k); c = min(f + 1, len(xs) - 1)
    return xs[f] + (xs[c] - xs[f]) * (k - f)
def server_ttft(path, n):
    # The mock's own TTFT (request arrival → first content write) for the last n streamed chat requests.
    j = load(path)
    if not j: return None
    es = sorted(j.get("entries", []), key=lambda e: e.get("id", 0))
    es = [e for e in es if e.get("status") == 200 and e.get("stream") and str(e.get("path", "")).endswith("/chat/completions")][-n:]
    return pct([e["body_write_offsets_ns"][1] / 1e6 for e in es if len(e.get("body_write_offsets_ns", [])) > 1], 0.5)
def cell(x): return f"{x:10.3f}" if x is not None else f"{'-':>10}"
def diff(x, y): return f"{100*(x-y)/y:+7.2f}%" if x is not None and y else f"{'-':>8}"
summary = []
for c in levels:
    d = f"{w}/c{c}"
    ours = load(f"{d}/ours.json"); theirs = load(f"{d}/aiperf/profile_export_aiperf.json"); g = load(f"{d}/guidellm.json")
    if not ours: print(f"concurrency {c}: llmcheck produced no report"); continue
    n = ours["requests"]["completed"]
    gm = g["benchmarks"][0]["metrics"] if g else None
    def gp50(name, scale=1.0): return gm[name]["successful"]["percentiles"]["p50"] * scale if gm else None
    def gmean(name): return gm[name]["successful"]["mean"] if gm else None
    def a(key, stat="p50"): return theirs[key][stat] if theirs else None
    m = ours["metrics"]
    rows = [
        ("TTFT p50 (ms)", m["ttft_ms"]["p50"], a("time_to_first_token"), gp50("time_to_first_token_ms")),
        ("  mock's own TTFT p50 for that tool's requests", server_ttft(f"{d}/ours.journal.json", n),
         server_ttft(f"{d}/aiperf.journal.json", n), server_ttft(f"{d}/guidellm.journal.json", n)),
        ("chunk gaps p50 (ms): our itl / AIPerf ICL", m["itl_ms"]["p50"], a("inter_chunk_latency"), None),
        ("TPOT p50 (ms): our tpot / AIPerf ITL / guidellm ITL", m["tpot_ms"]["p50"], a("inter_token_latency"), gp50("inter_token_latency_ms")),
        ("E2E p50 (ms)", m["e2e_ms"]["p50"], a("request_latency"), gp50("request_latency", 1000)),
        # E2E and throughput follow the answers' lengths: equal with the fixed reply (the default), per prompt with REPLY=seeded.
        ("  output tokens per request (mean)", m["output_tokens"]["mean"], a("output_sequence_length", "avg"), gmean("output_token_count")),
        ("requests/s", ours["throughput"]["requests_per_s"], a("request_throughput", "avg"), gmean("requests_per_second")),
        ("output tokens/s", ours["throughput"]["output_tokens_per_s"], a("output_token_throughput", "avg"), gmean("output_tokens_per_second")),
    ]
    print(f"{'same mock, concurrency ' + c + ', streaming':52} {'llmcheck':>10} {'AIPerf':>10} {'guidellm':>10} {'vs AIPerf':>9} {'vs guidellm':>11}")
    for name, ours_v, aip, gl in rows:
        print(f"{name:52} {cell(ours_v)} {cell(aip)} {cell(gl)} {diff(ours_v, aip):>9} {diff(ours_v, gl):>11}")
        if not name.startswith("  "):
            summary.append((c, name, [abs(100*(ours_v-y)/y) <= 5 if ours_v is not None and y else None for y in (aip, gl)]))
    gerr = lambda d: d["benchmarks"][0]["metrics"]["request_totals"] if d else None
    print(f"errors: llmcheck {ours['errors']}; AIPerf {theirs.get('error_summary') if theirs else None}; guidellm {gerr(g)}")
print("within 5 % (AIPerf, guidellm) per level and metric:")
for c, name, ok in summary:
    print(f"  c={c:>3} {name:52} " + "  ".join({True: "yes", False: "NO", None: "-"}[x] for x in ok))
oc = load(f"{w}/ours-capacity.json"); tc = load(f"{w}/aiperf-capacity/profile_export_aiperf.json"); gc = load(f"{w}/guidellm-capacity.json")
if oc:
    ours_rps = oc["throughput"]["requests_per_s"]
    peers = {}
    if tc: peers["AIPerf"] = tc["request_throughput"]["avg"]
    if gc: peers["guidellm"] = gc["benchmarks"][0]["metrics"]["requests_per_second"]["successful"]["mean"]
    line = ", ".join(f"{k} {v:.0f} req/s ({ours_rps / v:.1f}×)" for k, v in peers.items())
    print(f"capacity, non-streaming, concurrency 64: llmcheck {ours_rps:.0f} req/s; {line} (target ≥ 10× the fastest peer); errors {oc['errors']}")
PY
