#!/usr/bin/env python3
"""Writes Scenarios/clients/: the client-agnostic battery every LLM client should survive.

Each scenario runs a program under test (default `llmcheck chat`, the reference client; any other with
`llmcheck run Scenarios/clients --client 'CMD ARGS'`) against one mock. Its description says what correct
behaviour is and why. Run from the repository root: python3 Scenarios/tools/generate_clients.py
"""
import json
import os

REPLY = "The quick brown fox jumps over the lazy dog."
IDLE_MS = 1000          # the app is told LLMCHECK_TIMEOUT_MS=1000 and judged against it
TIMEOUT_MS = 20000      # the scenario deadline (a Python SDK may take 2 s just to import on a loaded machine); the app is killed a little before it
EMBED = {"openai": "text-embedding-3-small", "lmstudio": "text-embedding-nomic-embed-text-v1.5", "ollama": "nomic-embed-text:latest"}
FIRST_MODEL = {"openai": "gpt-4o-mini", "lmstudio": "qwen2.5-7b-instruct", "ollama": "llama3.2:3b"}
WIRE = {"openai": "OpenAI-compatible SSE", "lmstudio": "LM Studio (OpenAI-compatible SSE)", "ollama": "Ollama NDJSON"}
TERMINATOR = {"openai": "`data: [DONE]`", "lmstudio": "`data: [DONE]`", "ollama": "a line with `\"done\": true`"}
ERROR_FORM = {"ollama": 'an `{"error": …}` line', "openai": 'a `data: {"error": …}` event', "lmstudio": 'a `data: {"error": …}` event'}
WHOLE = "^(" + REPLY.replace(".", "\\.") + ")?$"


def scenario(provider, name, area, description, faults=(), step=None, generation=None, tags=()):
    server = {"name": "main", "personality": provider, "generation": dict({"reply": REPLY}, **(generation or {}))}
    if faults:
        server["faults"] = list(faults)
    s = {
        "id": f"clients.{provider}.{name}",
        "description": description,
        "capability": area,
        "tags": ["clients", provider, area] + list(tags),
        "timeout_ms": TIMEOUT_MS,
        "servers": [server],
        "client": {"kind": "command", "argv": ["llmcheck", "chat"], "timeouts": {"idle_ms": IDLE_MS}},
        "steps": [step or {"operation": "chat", "expect": {"exit": 0, "stdout_is_reply": True}}],
    }
    return s


def ok(extra=None):
    e = {"exit": 0, "stdout_is_reply": True}
    e.update(extra or {})
    return {"operation": "chat", "expect": e}


def fails(extra=None, stream=True):
    e = {"exit": "non-zero", "stdout_is_reply": False}
    e.update(extra or {})
    step = {"operation": "chat", "expect": e}
    if not stream:
        step["stream"] = False
    return step


def battery(p):
    w, t = WIRE[p], TERMINATOR[p]
    out = [
        scenario(p, "chat-stream", "healthy", f"{w}: a healthy streamed chat. Correct: print the whole reply and exit 0."),
        scenario(p, "chat-no-stream", "healthy", f"{w}: a healthy chat with stream=false. Correct: print the whole reply and exit 0.",
                 step={"operation": "chat", "stream": False, "expect": {"exit": 0, "stdout_is_reply": True}}),
        scenario(p, "models", "healthy", f"{w}: list the models. Correct: print one id per line (the mock's first model among them) and exit 0.",
                 step={"operation": "list_models", "expect": {"exit": 0, "stdout_contains": FIRST_MODEL[p]}}),
        scenario(p, "embed", "healthy", f"{w}: embed one text. Correct: print the vector length and exit 0.",
                 step={"operation": "embed", "model": EMBED[p], "expect": {"exit": 0, "stdout_regex": "^[1-9][0-9]*$"}}),
        scenario(p, "429-retry-after", "retry",
                 f"{w}: the first attempt gets 429 with `Retry-After: 1`. Correct: wait at least the second the server asked for, "
                 "retry once, print the whole reply, exit 0. Retrying sooner hammers a server that said it is overloaded.",
                 faults=[{"status": 429, "retry_after": 1, "times": 1}], step=ok({"attempts": 2})),
        scenario(p, "429-retry-after-ms", "retry",
                 f"{w}: the first attempt gets 429 with `retry-after-ms: 300`. Correct: wait at least 300 ms (the finer header "
                 "wins when both could apply), retry, print the whole reply, exit 0.",
                 faults=[{"status": 429, "retry_after_ms": 300, "times": 1}], step=ok({"attempts": 2})),
    ]
    for code in (500, 502, 503):
        out.append(scenario(p, f"{code}-once", "retry",
                            f"{w}: the first attempt gets {code}. Correct: back off, retry, print the whole reply, exit 0. "
                            f"A {code} is transient; giving up at once turns a blip into an outage.",
                            faults=[{"status": code, "times": 1}], step=ok({"attempts": 2})))
    out += [
        scenario(p, "401", "errors",
                 f"{w}: every attempt gets 401 (bad key). Correct: exit non-zero after one attempt. Retrying cannot fix a key.",
                 faults=[{"status": 401}], step=fails({"attempts": 1})),
        scenario(p, "404-model", "errors",
                 f"{w}: every attempt gets 404 (unknown model). Correct: exit non-zero after one attempt. Retrying cannot make the model exist.",
                 faults=[{"status": 404}], step=fails({"attempts": 1})),
        scenario(p, "stall-mid-stream", "timeouts",
                 f"{w}: the stream stops after 2 chunks and never resumes. Correct: give up within the app's own idle timeout "
                 f"({IDLE_MS} ms, given as LLMCHECK_TIMEOUT_MS) and exit non-zero, not hang until killed.",
                 faults=[{"stall": {"after": 2}}], step=fails({"wall_ms": {"max": TIMEOUT_MS - 2000}})),
        scenario(p, "close-without-terminator", "stream-faults",
                 f"{w}: the server closes cleanly after 3 chunks without {t}. Correct: exit non-zero (or retry); never print the "
                 "partial text as if it were the answer and exit 0.",
                 faults=[{"close": {"after": 3}}], step=fails()),
        scenario(p, "cut-mid-line", "stream-faults",
                 f"{w}: the server sends half of chunk 4, then closes. Correct: exit non-zero; a cut line is not an answer.",
                 faults=[{"cut": {"after": 3}}], step=fails()),
        scenario(p, "rst-before-headers", "retry",
                 f"{w}: the first connection is reset before any response. Correct: treat it as a connection error, retry, print "
                 "the whole reply, exit 0.",
                 faults=[{"rst": "headers", "times": 1}], step=ok({"attempts": 2})),
        scenario(p, "rst-mid-stream", "stream-faults",
                 f"{w}: every connection is reset after 2 chunks. Correct: exit non-zero; a reset stream is not an answer.",
                 faults=[{"rst": {"after": 2}}], step=fails()),
        scenario(p, "malformed-chunk", "stream-faults",
                 f"{w}: chunk 2 carries truncated JSON. Correct: exit non-zero; silently skipping it loses answer text.",
                 faults=[{"malformed": {"chunk": 2}}], step=fails()),
        scenario(p, "wrong-content-type", "stream-faults",
                 f"{w}: a well-formed stream labelled `Content-Type: text/html`. Correct: end by itself either way — print the whole "
                 "reply and exit 0, or refuse with a non-zero exit — but never print a partial answer or hang.",
                 faults=[{"content_type": "text/html"}],
                 step={"operation": "chat", "expect": {"outcome": "any", "stdout_regex": WHOLE, "wall_ms": {"max": TIMEOUT_MS - 2000}}}),
        scenario(p, "mid-stream-error", "stream-faults",
                 f"{w}: after 2 chunks the stream carries the provider's error ({ERROR_FORM[p]}) and ends. "
                 "Correct: exit non-zero; the server said the answer failed.",
                 faults=[{"stream_error": {"after": 2}}], step=fails()),
        scenario(p, "slow-first-token", "timeouts",
                 f"{w}: the first token comes 600 ms after the headers, under the app's {IDLE_MS} ms idle timeout. Correct: wait, "
                 "print the whole reply, exit 0. Timing out here breaks every slow-loading local model.",
                 generation={"ttft_ms": 600}),
        scenario(p, "slow-drip", "timeouts",
                 f"{w}: the body arrives slowly (3000 bytes/s) but never pauses for long. Correct: print the whole reply, exit 0.",
                 faults=[{"drip": 3000}]),
    ]
    return out


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients")
    os.makedirs(root, exist_ok=True)
    for name in os.listdir(root):
        if name.endswith(".json"):
            os.remove(os.path.join(root, name))
    count = 0
    for p in ("openai", "lmstudio", "ollama"):
        for s in battery(p):
            name = s["id"].split(".", 2)[2]
            with open(os.path.join(root, f"{p}-{name}.json"), "w") as f:
                json.dump(s, f, indent=2)
                f.write("\n")
            count += 1
    print(f"wrote {count} scenarios to Scenarios/clients/")


if __name__ == "__main__":
    main()
