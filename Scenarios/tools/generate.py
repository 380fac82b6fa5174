#!/usr/bin/env python3
"""Generates the conformance suite in Scenarios/<area>/*.json.

Run from the repository root:  python3 Scenarios/tools/generate.py
Every JSON file under the area folders below is (re)written by this script and stale ones are removed;
edit the tables here rather than the generated files. Scenario keys are documented in Scenarios/README.md.

Timings are in milliseconds and kept small so the whole suite runs in seconds on a 2-core machine.
"""
import json
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
AREAS = ["operations", "faults", "retry", "timeouts", "discovery", "failover", "quirks", "verdicts"]
PROVIDERS = ["ollama", "lmstudio", "openai"]
CHAT_MODEL = {"ollama": "llama3.2:3b", "lmstudio": "qwen2.5-7b-instruct", "openai": "gpt-4o-mini"}
EMBED_MODEL = {
    "ollama": ("nomic-embed-text:latest", 768),
    "lmstudio": ("text-embedding-nomic-embed-text-v1.5", 768),
    "openai": ("text-embedding-3-small", 1536),
}
DEFAULT_MODELS = {
    "ollama": ["llama3.2:3b", "qwen2.5:7b", "nomic-embed-text:latest"],
    "lmstudio": ["qwen2.5-7b-instruct", "meta-llama-3.1-8b-instruct", "text-embedding-nomic-embed-text-v1.5"],
    "openai": ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"],
}
CHAT_PATH = {"ollama": "/api/chat", "lmstudio": "/v1/chat/completions", "openai": "/v1/chat/completions"}
REPLY = "The quick brown fox jumps over the lazy dog."
KEY_A = "sk-primary-key-0000000000001111"
KEY_B = "sk-backup-key-00000000000002222"

scenarios = {}  # path -> scenario


def add(area, name, scenario):
    path = os.path.join(area, name + ".json")
    if path in scenarios:
        sys.exit(f"duplicate scenario file {path}")
    if any(s["id"] == scenario["id"] for s in scenarios.values()):
        sys.exit(f"duplicate scenario id {scenario['id']}")
    scenarios[path] = scenario


def server(p, name="main", **extra):
    s = {"name": name, "personality": p}
    s.update(extra)
    return s


def scenario(id, description, tags, servers, steps, client=None, timeout_ms=None):
    s = {"id": id, "description": description, "tags": tags, "servers": servers}
    if client:
        s["client"] = client
    if timeout_ms:
        s["timeout_ms"] = timeout_ms
    s["steps"] = steps
    return s


# MARK: - operations: provider x operation with the real client

for p in PROVIDERS:
    base = [server(p, generation={"reply": REPLY})]
    add("operations", f"{p}-chat-stream", scenario(
        f"{p}.chat.stream", f"{p}: a streamed chat answer arrives in several chunks with the exact text.", [p, "chat", "streaming"],
        base, [{"operation": "chat", "expect": {"content": REPLY, "chunks": {"min": 2}, "attempts": 1, "status": 200}}]))
    add("operations", f"{p}-chat-nonstream", scenario(
        f"{p}.chat.non-stream", f"{p}: a non-streamed chat answer carries the exact text.", [p, "chat"],
        base, [{"operation": "chat", "stream": False, "expect": {"content": REPLY, "attempts": 1}}]))
    add("operations", f"{p}-generate-stream", scenario(
        f"{p}.generate.stream", f"{p}: a streamed raw completion produces text.", [p, "generate", "streaming"],
        base, [{"operation": "generate", "expect": {"content_regex": "\\S", "chunks": {"min": 1}}}]))
    add("operations", f"{p}-generate-nonstream", scenario(
        f"{p}.generate.non-stream", f"{p}: a non-streamed raw completion produces text.", [p, "generate"],
        base, [{"operation": "generate", "stream": False, "expect": {"content_regex": "\\S"}}]))
    model, dims = EMBED_MODEL[p]
    add("operations", f"{p}-embed", scenario(
        f"{p}.embed", f"{p}: embeddings of {model} have {dims} dimensions.", [p, "embed"],
        [server(p)], [{"operation": "embed", "model": model, "expect": {"embedding_dimensions": dims, "attempts": 1}}]))
    add("operations", f"{p}-list-models", scenario(
        f"{p}.models.list", f"{p}: the model list is read in the server's order.", [p, "models"],
        [server(p)], [{"operation": "list_models", "expect": {"models": DEFAULT_MODELS[p]}}]))
    add("operations", f"{p}-list-models-custom", scenario(
        f"{p}.models.list-custom", f"{p}: a configured model list is reported as configured.", [p, "models"],
        [server(p, models=["alpha:1b", "beta:3b"])], [{"operation": "list_models", "expect": {"models": ["alpha:1b", "beta:3b"]}}]))
    add("operations", f"{p}-show-model", scenario(
        f"{p}.models.show", f"{p}: details of one model are read.", [p, "models"],
        [server(p)], [{"operation": "show_model", "expect": {"models": [CHAT_MODEL[p]]}}]))
    add("operations", f"{p}-chat-physics", scenario(
        f"{p}.chat.physics", f"{p}: TTFT is at least the mock's injected 60 ms and chunks arrive paced.", [p, "chat", "timing"],
        [server(p, generation={"reply": REPLY, "ttft_ms": 60, "tps": 300})],
        [{"operation": "chat", "expect": {"content": REPLY, "ttft_ms": {"min": 55, "max": 2000}, "e2el_ms": {"min": 60}}}]))
    add("operations", f"{p}-chat-parallel", scenario(
        f"{p}.chat.parallel", f"{p}: four streamed chats in parallel all complete with the same text.", [p, "chat", "parallel"],
        [server(p, generation={"reply": REPLY, "tps": 500})],
        [{"operation": "chat", "parallel": 4, "expect": {"content": REPLY, "attempts": 1}}]))
    add("operations", f"{p}-chat-cancel", scenario(
        f"{p}.chat.cancel", f"{p}: cancelling a stream after 3 chunks closes the connection promptly.", [p, "chat", "cancel"],
        [server(p, generation={"tps": 100})],
        [{"operation": "chat", "max_tokens": 60, "cancel_after_chunks": 3,
          "expect": {"outcome": "cancelled", "chunks": 3, "no_findings": ["cancelled-stream-kept-reading"]}}]))
    add("operations", f"{p}-chat-sequence", scenario(
        f"{p}.chat.sequence", f"{p}: list, stream, then a non-streamed chat in one scenario.", [p, "chat", "models"],
        [server(p, generation={"reply": REPLY})],
        [{"operation": "list_models", "expect": {"model_count": 3}},
         {"operation": "chat", "expect": {"content": REPLY}},
         {"operation": "chat", "stream": False, "expect": {"content": REPLY}}]))

# MARK: - faults: provider x fault with the real client

FAULTS = [
    # name, fault(s), step overrides, client, expect, description
    ("status-500-once", [{"status": 500, "times": 1}], {}, None,
     {"attempts": 2, "status": 200, "content": REPLY}, "a single 500 is retried and the retry succeeds"),
    ("status-503-always", [{"status": 503}], {}, None,
     {"error_code": "overloaded", "attempts": 3, "status": 503}, "a persistent 503 is retried twice, then reported as overloaded"),
    ("status-429-retry-after-ms", [{"status": 429, "retry_after_ms": 80, "times": 1}], {}, None,
     {"attempts": 2, "retry_delays_ms": {"min": 70, "max": 1000}}, "429 with retry-after-ms 80 is retried after at least that long"),
    ("status-401", [{"status": 401}], {}, None,
     {"error_code": "unauthorized", "attempts": 1, "status": 401}, "401 is reported at once, never retried"),
    ("status-403", [{"status": 403}], {}, None,
     {"error_code": "forbidden", "attempts": 1}, "403 is reported at once, never retried"),
    ("status-404", [{"status": 404}], {}, None,
     {"outcome": "error", "attempts": 1, "status": 404}, "404 is reported at once, never retried"),
    ("status-400", [{"status": 400}], {}, None,
     {"outcome": "error", "status": 400, "attempts": 1}, "400 is reported at once, never retried"),
    ("stall-forever", [{"stall": {"after": 2}}], {}, {"timeouts": {"idle_ms": 150}},
     {"error_code": "idleTimeout", "attempts": 1, "no_findings": ["no-idle-timeout"]}, "a stream stalled for good ends with an idle timeout"),
    ("stall-short", [{"stall": {"after": 2, "for": "40ms"}}], {}, {"timeouts": {"idle_ms": 400}},
     {"content": REPLY}, "a 40 ms stall shorter than the idle timeout is waited out"),
    ("close-after-3", [{"close": {"after": 3}}], {}, None,
     {"error_code": "truncatedStream", "no_findings": ["truncated-stream-accepted"]}, "a stream closed before its terminator is an error"),
    ("cut-after-3", [{"cut": {"after": 3}}], {}, None,
     {"outcome": "error", "no_findings": ["truncated-stream-accepted"]}, "a stream cut mid-event is an error"),
    ("rst-after-3", [{"rst": {"after": 3}}], {}, None,
     {"outcome": "error", "attempts": 1, "no_findings": ["truncated-stream-accepted"]}, "a reset after stream data is an error and not retried"),
    ("rst-before-headers-once", [{"rst": "headers", "times": 1}], {}, None,
     {"attempts": 2, "content": REPLY}, "a reset before any response is retried"),
    ("malformed-chunk-2", [{"malformed": {"chunk": 2}}], {}, None,
     {"error_code": "malformedStream", "no_findings": ["malformed-chunk-ignored"]}, "an unparseable stream event is an error"),
    ("bad-chunked-after-2", [{"bad_chunked": {"after": 2}}], {}, None,
     {"outcome": "error", "no_findings": ["truncated-stream-accepted"]}, "broken chunked framing is an error"),
    ("length-mismatch", [{"length_mismatch": -10}], {"stream": False}, None,
     {"outcome": "error"}, "a body shorter than its Content-Length is an error"),
    ("delay-headers-80", [{"delay_headers": "80ms"}], {}, None,
     {"content": REPLY, "ttft_ms": {"min": 75}}, "an 80 ms delay before the response head shows in TTFT"),
    ("delay-body-60", [{"delay_body": "60ms"}], {}, None,
     {"content": REPLY, "ttft_ms": {"min": 55}}, "a 60 ms delay before the first body byte shows in TTFT"),
    ("slow-drip", [{"drip": 30000}], {}, None,
     {"content": REPLY}, "a slow byte drip still yields the full answer"),
    ("stream-error-after-2", [{"stream_error": {"after": 2}}], {}, None,
     {"error_code": "streamError", "attempts": 1}, "a provider error inside the stream is raised and not retried"),
    ("headers-timeout", [{"delay_headers": "400ms"}], {}, {"timeouts": {"headers_ms": 100}, "retry": {"max_retries": 1}},
     {"error_code": "headersTimeout", "attempts": 2}, "no response head within 100 ms is a headers timeout, retried once"),
]

for p in PROVIDERS:
    for name, faults, overrides, client, expect, description in FAULTS:
        step = {"operation": "chat"}
        step.update(overrides)
        step["expect"] = expect
        add("faults", f"{p}-{name}", scenario(
            f"{p}.fault.{name}", f"{p}: {description}.", [p, "faults", name.split("-")[0]],
            [server(p, generation={"reply": REPLY}, faults=faults)], [step], client=client))

# MARK: - operation x fault: the other operations under faults, with the real client

OPERATION_FAULTS = [
    # name, step, faults, expect
    ("list-models-500-once", {"operation": "list_models"}, [{"status": 500, "times": 1}], {"attempts": 2, "model_count": 3}),
    ("list-models-401", {"operation": "list_models"}, [{"status": 401}], {"error_code": "unauthorized", "attempts": 1}),
    ("show-model-503-once", {"operation": "show_model"}, [{"status": 503, "times": 1}], {"attempts": 2}),
    ("embed-429-retry-after", {"operation": "embed", "model": "EMBED"}, [{"status": 429, "retry_after_ms": 60, "times": 1}],
     {"attempts": 2, "retry_delays_ms": {"min": 54}}),
    ("embed-400", {"operation": "embed", "model": "EMBED"}, [{"status": 400}], {"outcome": "error", "attempts": 1}),
    ("generate-close-after-2", {"operation": "generate"}, [{"close": {"after": 2}}],
     {"outcome": "error", "no_findings": ["truncated-stream-accepted"]}),
    ("chat-non-stream-500-once", {"operation": "chat", "stream": False}, [{"status": 500, "times": 1}], {"attempts": 2, "content": REPLY}),
    ("chat-non-stream-rst", {"operation": "chat", "stream": False}, [{"rst": "headers"}], {"outcome": "error", "attempts": 3}),
    ("chat-parallel-429", {"operation": "chat", "parallel": 3}, [{"status": 429, "retry_after_ms": 50, "times": 3}],
     {"attempts": {"min": 1, "max": 3}, "content": REPLY}),
]
for p in PROVIDERS:
    for name, step, faults, expect in OPERATION_FAULTS:
        step = dict(step)
        if step.get("model") == "EMBED":
            step["model"] = EMBED_MODEL[p][0]
        step["expect"] = expect
        add("faults", f"{p}-op-{name}", scenario(
            f"{p}.fault.op.{name}", f"{p}: {step['operation']} under the fault {json.dumps(faults)}.", [p, "faults", step["operation"]],
            [server(p, generation={"reply": REPLY}, faults=faults)], [step]))

# MARK: - retry policy

RETRY = [
    ("max-retries-0", [{"status": 503}], {"retry": {"max_retries": 0}}, {"outcome": "error", "attempts": 1},
     "with max_retries 0 a 503 is reported after one attempt"),
    ("max-retries-3", [{"status": 500, "times": 3}], {"retry": {"max_retries": 3}}, {"attempts": 4, "content": REPLY},
     "with max_retries 3, three 500s are followed by a success"),
    ("retry-after-seconds", [{"status": 429, "retry_after": 1, "times": 1}], None, {"attempts": 2, "retry_delays_ms": {"min": 950}},
     "retry-after: 1 (seconds) is honoured"),
    ("retry-after-over-cap", [{"status": 429, "retry_after_ms": 5000}], {"retry": {"max_retry_after_ms": 1000}},
     {"error_code": "rateLimited", "attempts": 1, "no_findings": ["gave-up-early"]},
     "a Retry-After beyond the client's cap makes it give up at once (openai-python 3)"),
    ("should-retry-false", [{"status": 500, "should_retry": False}], None, {"outcome": "error", "attempts": 1},
     "x-should-retry: false stops retries of a 500"),
    ("should-retry-true-400", [{"status": 400, "should_retry": True, "times": 1}], None, {"attempts": 2, "content": REPLY},
     "x-should-retry: true makes a 400 retryable", ),
    ("status-408", [{"status": 408, "times": 1}], None, {"attempts": 2}, "408 is retried"),
    ("status-409", [{"status": 409, "times": 1}], None, {"attempts": 2}, "409 is retried"),
    ("status-502", [{"status": 502, "times": 1}], None, {"attempts": 2}, "502 is retried"),
    ("status-504", [{"status": 504, "times": 1}], None, {"attempts": 2}, "504 is retried"),
    ("backoff-grows", [{"status": 500, "times": 2}], {"retry": {"initial_delay_ms": 40, "max_delay_ms": 400}},
     {"attempts": 3, "retry_delays_ms": [{"min": 28, "max": 600}, {"min": 58, "max": 800}]},
     "backoff doubles: ≥ 0.75 × 40 ms, then ≥ 0.75 × 80 ms"),
    ("backoff-capped", [{"status": 500, "times": 3}], {"retry": {"max_retries": 3, "initial_delay_ms": 30, "max_delay_ms": 40}},
     {"attempts": 4, "retry_delays_ms": {"min": 20, "max": 400}}, "backoff never exceeds max_delay_ms"),
    ("midstream-not-retried", [{"stream_error": {"after": 2}}], None, {"outcome": "error", "attempts": 1},
     "a failure after stream data was delivered is never retried"),
    ("status-422", [{"status": 422}], None, {"error_code": "badRequest", "attempts": 1}, "422 is not retried"),
    ("429-then-503", [{"status": 429, "retry_after_ms": 40, "request": 1}, {"status": 503, "request": 2}], None,
     {"attempts": 3, "content": REPLY}, "a 429 and then a 503 are both retried"),
]
for p in ["openai", "ollama"]:
    for name, faults, client, expect, description in RETRY:
        add("retry", f"{p}-{name}", scenario(
            f"{p}.retry.{name}", f"{p}: {description}.", [p, "retry"],
            [server(p, generation={"reply": REPLY}, faults=faults)], [{"operation": "chat", "expect": expect}], client=client))

# MARK: - timeouts

for p in PROVIDERS:
    add("timeouts", f"{p}-total-timeout", scenario(
        f"{p}.timeout.total", f"{p}: a slow stream is stopped by the 200 ms total timeout.", [p, "timeouts"],
        [server(p, generation={"tps": 25})], [{"operation": "chat", "max_tokens": 50, "expect": {"error_code": "totalTimeout"}}],
        client={"timeouts": {"total_ms": 200, "idle_ms": 500}}))
    add("timeouts", f"{p}-slow-ttft-within-idle", scenario(
        f"{p}.timeout.slow-ttft-ok", f"{p}: a 120 ms TTFT below the 400 ms idle timeout is fine.", [p, "timeouts"],
        [server(p, generation={"reply": REPLY, "ttft_ms": 120})],
        [{"operation": "chat", "expect": {"content": REPLY, "ttft_ms": {"min": 115}}}], client={"timeouts": {"idle_ms": 400}}))
    add("timeouts", f"{p}-non-stream-headers-timeout", scenario(
        f"{p}.timeout.headers-non-stream", f"{p}: a non-streamed request whose head never comes times out.", [p, "timeouts"],
        [server(p, faults=[{"delay_headers": "500ms"}])],
        [{"operation": "chat", "stream": False, "expect": {"error_code": "headersTimeout", "attempts": 1}}],
        client={"timeouts": {"headers_ms": 100}, "retry": {"max_retries": 0}}))

# MARK: - discovery

add("discovery", "all-three", scenario(
    "discovery.all-three", "Discovery tells an Ollama, an LM Studio and an OpenAI-compatible server apart.", ["discovery"],
    [server("ollama", "o"), server("lmstudio", "l"), server("openai", "a")],
    [{"operation": "discover", "expect": {"discovered": {"o": "ollama", "l": "lmstudio", "a": "openai"}}}]))
for p in PROVIDERS:
    add("discovery", f"{p}-alone", scenario(
        f"discovery.{p}", f"Discovery identifies a lone {p} server.", ["discovery", p],
        [server(p)], [{"operation": "discover", "expect": {"discovered": {"main": p}}}]))

# MARK: - failover

def failover_client(**extra):
    c = {"providers": [{"server": "a", "api_key": KEY_A}, {"server": "b", "api_key": KEY_B}]}
    c.update(extra)
    return c

FAILOVER = [
    ("primary-503", [{"status": 503}], "b", {}, "the backup serves when the primary keeps answering 503"),
    ("primary-401", [{"status": 401}], "b", {}, "the backup serves when the primary rejects the key"),
    ("primary-stalls", [{"stall": {"after": 0}}], "b", {"timeouts": {"idle_ms": 150}},
     "the backup serves when the primary stalls before any content"),
    ("primary-ok", [], "a", {}, "the primary serves when it is healthy"),
    ("primary-reset", [{"rst": "headers"}], "b", {}, "the backup serves when the primary resets every connection"),
]
for pa, pb in [("openai", "ollama"), ("lmstudio", "openai"), ("ollama", "lmstudio")]:
    for name, faults, served, extra, description in FAILOVER:
        add("failover", f"{pa}-to-{pb}-{name}", scenario(
            f"failover.{pa}-to-{pb}.{name}", f"{pa} → {pb}: {description}; each key goes only to its own provider.",
            ["failover", pa, pb],
            [server(pa, "a", faults=[dict(f, path=CHAT_PATH[pa]) for f in faults], models=["shared:1b"]), server(pb, "b", models=["shared:1b"])],
            [{"operation": "failover_chat", "model": "shared:1b", "expect": {"served_by": served, "no_findings": ["secret-to-wrong-host"]}}],
            client=failover_client(**extra)))

# MARK: - provider quirks

add("quirks", "ollama-origin-403", scenario(
    "ollama.quirk.origin-403", "Ollama answers a disallowed browser Origin with 403 and an empty body; the client reports forbidden.",
    ["ollama", "quirks", "origin"], [server("ollama")],
    [{"operation": "chat", "headers": {"Origin": "http://evil.example"}, "expect": {"error_code": "forbidden", "status": 403, "attempts": 1}}]))
add("quirks", "ollama-origin-allowed", scenario(
    "ollama.quirk.origin-allowed", "An Origin listed in OLLAMA_ORIGINS is accepted.", ["ollama", "quirks", "origin"],
    [server("ollama", options={"allowed_origins": ["http://app.example"]}, generation={"reply": REPLY})],
    [{"operation": "chat", "headers": {"Origin": "http://app.example"}, "expect": {"content": REPLY}}]))
add("quirks", "ollama-v1-compat-stream", scenario(
    "ollama.quirk.v1-compat-stream", "Ollama's OpenAI-compatible /v1 layer streams SSE to an OpenAI-dialect client.",
    ["ollama", "quirks", "v1"], [server("ollama", generation={"reply": REPLY})],
    [{"operation": "chat", "dialect": "openai", "expect": {"content": REPLY}}]))
add("quirks", "ollama-v1-compat-nonstream", scenario(
    "ollama.quirk.v1-compat-non-stream", "Ollama's /v1 layer answers a non-streamed OpenAI-dialect chat.",
    ["ollama", "quirks", "v1"], [server("ollama", generation={"reply": REPLY})],
    [{"operation": "chat", "stream": False, "dialect": "openai", "expect": {"content": REPLY}}]))
add("quirks", "ollama-v1-compat-models", scenario(
    "ollama.quirk.v1-compat-models", "Ollama's /v1/models lists the same models as /api/tags.",
    ["ollama", "quirks", "v1"], [server("ollama")],
    [{"operation": "list_models", "dialect": "openai", "expect": {"models": DEFAULT_MODELS["ollama"]}}]))
add("quirks", "ollama-model-not-found", scenario(
    "ollama.quirk.model-not-found", "Ollama answers an unknown model with 404 `model 'x' not found`; not retried.",
    ["ollama", "quirks"], [server("ollama")],
    [{"operation": "chat", "model": "missing-model:latest", "expect": {"error_code": "modelNotFound", "status": 404, "attempts": 1}}]))
add("quirks", "lmstudio-unexpected-endpoint-200", scenario(
    "lmstudio.quirk.unexpected-endpoint-200",
    "LM Studio answers an unknown endpoint (Ollama's /api/chat) with HTTP 200 and an error body; the client must not report success.",
    ["lmstudio", "quirks"], [server("lmstudio")],
    [{"operation": "chat", "stream": False, "dialect": "ollama", "expect": {"outcome": "error", "attempts": 1}}]))
add("quirks", "lmstudio-no-models-loaded", scenario(
    "lmstudio.quirk.no-models-loaded", "With JIT loading off and nothing loaded, LM Studio refuses to chat and the client reports it.",
    ["lmstudio", "quirks"],
    [server("lmstudio", models=[{"name": "qwen2.5-7b-instruct", "loaded": False}], options={"jit_loading": False})],
    [{"operation": "chat", "expect": {"outcome": "error", "attempts": 1}}]))
add("quirks", "lmstudio-not-loaded-state", scenario(
    "lmstudio.quirk.not-loaded-state", "LM Studio lists a not-loaded model; its details are still readable.",
    ["lmstudio", "quirks"],
    [server("lmstudio", models=["qwen2.5-7b-instruct", {"name": "meta-llama-3.1-8b-instruct", "loaded": False}])],
    [{"operation": "list_models", "expect": {"models": ["qwen2.5-7b-instruct", "meta-llama-3.1-8b-instruct"]}},
     {"operation": "show_model", "model": "meta-llama-3.1-8b-instruct", "expect": {"models": ["meta-llama-3.1-8b-instruct"]}}]))
add("quirks", "lmstudio-jit-load", scenario(
    "lmstudio.quirk.jit-load", "With JIT loading on, chatting with a not-loaded model loads it and answers.",
    ["lmstudio", "quirks"],
    [server("lmstudio", models=[{"name": "qwen2.5-7b-instruct", "loaded": False}], generation={"reply": REPLY})],
    [{"operation": "chat", "expect": {"content": REPLY}}]))
add("quirks", "lmstudio-model-not-found", scenario(
    "lmstudio.quirk.model-not-found", "LM Studio rejects an unknown model id; not retried.",
    ["lmstudio", "quirks"], [server("lmstudio")],
    [{"operation": "chat", "model": "no-such-model", "expect": {"outcome": "error", "attempts": 1}}]))
add("quirks", "lmstudio-serves-unknown-model", scenario(
    "lmstudio.quirk.serves-unknown-model", "Older LM Studio serves an unknown model id with its only loaded model.",
    ["lmstudio", "quirks"],
    [server("lmstudio", models=["qwen2.5-7b-instruct"], options={"serves_unknown_model_when_one_loaded": True}, generation={"reply": REPLY})],
    [{"operation": "chat", "model": "no-such-model", "expect": {"content": REPLY}}]))
add("quirks", "openai-wrong-key", scenario(
    "openai.quirk.wrong-key", "A server that requires a key answers a wrong one with 401; not retried.",
    ["openai", "quirks", "auth"], [server("openai", api_key="sk-server-side-key-000000009999")],
    [{"operation": "chat", "expect": {"error_code": "unauthorized", "attempts": 1}}], client={"api_key": "sk-wrong-key-0000000000000000"}))
add("quirks", "openai-right-key", scenario(
    "openai.quirk.right-key", "A server that requires a key accepts the right one.",
    ["openai", "quirks", "auth"], [server("openai", api_key="sk-server-side-key-000000009999", generation={"reply": REPLY})],
    [{"operation": "chat", "expect": {"content": REPLY}}], client={"api_key": "sk-server-side-key-000000009999"}))
add("quirks", "lmstudio-wrong-key", scenario(
    "lmstudio.quirk.wrong-key", "LM Studio with authentication on answers a missing token with 401.",
    ["lmstudio", "quirks", "auth"], [server("lmstudio", api_key="sk-lmstudio-token-00000000007777")],
    [{"operation": "chat", "expect": {"error_code": "unauthorized", "attempts": 1}}]))
add("quirks", "openai-embed-model-chat", scenario(
    "openai.quirk.list-then-embed", "List models, then embed with the embedding model from the list.",
    ["openai", "quirks"], [server("openai")],
    [{"operation": "list_models", "expect": {"model_count": 3}},
     {"operation": "embed", "model": "text-embedding-3-small", "expect": {"embedding_dimensions": 1536}}]))

# MARK: - verdicts: deliberately ill-behaved clients must be caught; the same client without the flaw is clean

def misbehaving(flags, **extra):
    c = {"kind": "misbehaving", "misbehaviours": flags}
    c.update(extra)
    return c

VERDICTS = [
    # name, flags, fault(s), generation, step, client extra, finding
    ("ignore-retry-after", ["ignore-retry-after"], [{"status": 429, "retry_after_ms": 150, "times": 2}], None, {}, {},
     "retry-after-ignored"),
    ("retry-401", ["retry-non-retryable"], [{"status": 401}], None, {}, {}, "non-retryable-retried"),
    ("no-backoff", ["no-backoff"], [{"status": 500, "times": 2}], None, {}, {"retry": {"initial_delay_ms": 200, "max_delay_ms": 400}},
     "no-backoff"),
    ("give-up-early", ["give-up-early"], [{"status": 503, "times": 1}], None, {}, {}, "gave-up-early"),
    ("accept-truncated-close", ["accept-truncated"], [{"close": {"after": 3}}], None, {}, {}, "truncated-stream-accepted"),
    ("ignore-malformed", ["ignore-malformed"], [{"malformed": {"chunk": 2}}], None, {}, {}, "malformed-chunk-ignored"),
    ("no-idle-timeout", ["no-idle-timeout"], [{"stall": {"after": 2, "for": "600ms"}}], None, {}, {"timeouts": {"idle_ms": 100}},
     "no-idle-timeout"),
    ("keep-reading-after-cancel", ["keep-reading-after-cancel"], [], {"tps": 400},
     {"max_tokens": 40, "cancel_after_chunks": 3}, {}, "cancelled-stream-kept-reading"),
]
for p in PROVIDERS:
    for name, flags, faults, generation, step_extra, client_extra, finding in VERDICTS:
        srv = server(p, faults=faults)
        if generation:
            srv["generation"] = generation
        step = {"operation": "chat"}
        step.update(step_extra)
        bad = dict(step)
        bad["expect"] = {"outcome": "cancelled" if "cancel_after_chunks" in step else ("success" if finding in (
            "truncated-stream-accepted", "malformed-chunk-ignored", "no-idle-timeout", "retry-after-ignored", "no-backoff") else "error"),
            "findings": [finding]}
        add("verdicts", f"{p}-{name}", scenario(
            f"verdicts.{p}.{name}", f"{p}: a client that has the flaw '{flags[0]}' is caught with '{finding}'.",
            ["verdicts", p, "misbehaving"], [srv], [bad], client=misbehaving(flags, **client_extra)))
        good = dict(step)
        good["expect"] = {"outcome": "cancelled" if "cancel_after_chunks" in step else (
            "success" if name in ("ignore-retry-after", "no-backoff", "give-up-early") else "error"),
            "no_findings": [f["id"] if isinstance(f, dict) else f for f in [finding]]}
        add("verdicts", f"{p}-{name}-control", scenario(
            f"verdicts.{p}.{name}.control", f"{p}: the same raw client without the flaw is not accused of '{finding}'.",
            ["verdicts", p, "control"], [srv], [good], client=misbehaving([], **client_extra)))

for p in ["openai", "ollama"]:
    add("verdicts", f"{p}-retry-404", scenario(
        f"verdicts.{p}.retry-404", f"{p}: a client that retries a 404 is caught.", ["verdicts", p, "misbehaving"],
        [server(p, faults=[{"status": 404}])], [{"operation": "chat", "expect": {"outcome": "error", "findings": ["non-retryable-retried"]}}],
        client=misbehaving(["retry-non-retryable"])))
    add("verdicts", f"{p}-accept-truncated-rst", scenario(
        f"verdicts.{p}.accept-truncated-rst", f"{p}: a client that accepts a stream reset midway is caught.", ["verdicts", p, "misbehaving"],
        [server(p, faults=[{"rst": {"after": 3}}])],
        [{"operation": "chat", "expect": {"outcome": "success", "findings": ["truncated-stream-accepted"]}}],
        client=misbehaving(["accept-truncated"])))

for pa, pb in [("openai", "lmstudio"), ("lmstudio", "openai")]:
    add("verdicts", f"leak-key-{pa}-to-{pb}", scenario(
        f"verdicts.leak-key.{pa}-to-{pb}", f"{pa} → {pb}: a client that sends the primary's key to the backup during failover is caught.",
        ["verdicts", "failover", "misbehaving"],
        [server(pa, "a", faults=[{"status": 503}]), server(pb, "b")],
        [{"operation": "failover_chat", "expect": {"served_by": "b", "findings": ["secret-to-wrong-host"]}}],
        client=misbehaving(["leak-key-on-failover"], providers=[{"server": "a", "api_key": KEY_A}, {"server": "b", "api_key": KEY_B}])))
    add("verdicts", f"leak-key-{pa}-to-{pb}-control", scenario(
        f"verdicts.leak-key.{pa}-to-{pb}.control", f"{pa} → {pb}: a raw client that keeps each key with its provider is clean.",
        ["verdicts", "failover", "control"],
        [server(pa, "a", faults=[{"status": 503}]), server(pb, "b")],
        [{"operation": "failover_chat", "expect": {"served_by": "b", "no_findings": ["secret-to-wrong-host"]}}],
        client=misbehaving([], providers=[{"server": "a", "api_key": KEY_A}, {"server": "b", "api_key": KEY_B}])))


# MARK: - write

def main():
    written = set()
    for path, s in sorted(scenarios.items()):
        full = os.path.join(ROOT, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        text = json.dumps(s, indent=2, ensure_ascii=False) + "\n"
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
        written.add(os.path.normpath(full))
    removed = 0
    for area in AREAS:
        folder = os.path.join(ROOT, area)
        if not os.path.isdir(folder):
            continue
        for name in os.listdir(folder):
            full = os.path.normpath(os.path.join(folder, name))
            if name.endswith(".json") and full not in written:
                os.remove(full)
                removed += 1
    print(f"wrote {len(scenarios)} scenarios, removed {removed} stale files")


if __name__ == "__main__":
    main()
