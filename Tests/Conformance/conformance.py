"""Checks that the official openai and ollama Python clients cannot tell llmcheck's mocks from the
real servers. Run through run.sh. Prints one line per check and closes with "N passed, M failed"."""
import argparse
import json
import math
import os
import sys
import traceback
import urllib.request

import ollama
import openai

results = []


def check(name):
    def wrap(fn):
        try:
            fn()
            results.append((name, None))
            print(f"PASS {name}")
        except Exception as e:  # noqa: BLE001 - report every failure
            results.append((name, e))
            print(f"FAIL {name}: {type(e).__name__}: {e}")
            traceback.print_exc(limit=3, file=sys.stdout)
        return fn
    return wrap


def http(method, url, body=None):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    headers = {"Content-Type": "application/json"}
    # Changes through /__llmcheck/ need the mocks' control token (run.sh sets it for every serve).
    if os.environ.get("LLMCHECK_CONTROL_TOKEN"):
        headers["X-LLMCheck-Control-Token"] = os.environ["LLMCHECK_CONTROL_TOKEN"]
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.read()


def add_fault(base, spec):
    """`spec` is the JSON form (dict) or the compact text form (str)."""
    status, _ = http("POST", base + "/__llmcheck/faults", spec.encode() if isinstance(spec, str) else spec)
    assert status == 201, status


def reset(base):
    http("POST", base + "/__llmcheck/reset", b"")


def journal(base):
    _, body = http("GET", base + "/__llmcheck/journal")
    return json.loads(body)["entries"]


def expect(cond, message):
    if not cond:
        raise AssertionError(message)


p = argparse.ArgumentParser()
p.add_argument("--ollama", required=True)
p.add_argument("--lmstudio", required=True)
p.add_argument("--openai", required=True)
p.add_argument("--key", required=True)
a = p.parse_args()

oa = openai.OpenAI(base_url=a.openai + "/v1", api_key=a.key)
MSG = [{"role": "user", "content": "Why is the sky blue?"}]

# ---------------------------------------------------------------- OpenAI

@check("openai: models.list")
def _():
    ids = [m.id for m in oa.models.list()]
    expect("gpt-4o-mini" in ids, ids)


@check("openai: chat non-streaming, usage consistent")
def _():
    r = oa.chat.completions.create(model="gpt-4o-mini", messages=MSG)
    expect(r.choices[0].message.content, "empty content")
    expect(r.choices[0].finish_reason == "stop", r.choices[0].finish_reason)
    u = r.usage
    expect(u.total_tokens == u.prompt_tokens + u.completion_tokens, u)
    expect(r._request_id and r._request_id.startswith("req_"), r._request_id)


@check("openai: chat streaming with include_usage matches the JSON answer")
def _():
    full = oa.chat.completions.create(model="gpt-4o-mini", messages=MSG).choices[0].message.content
    parts, usage, finish = [], None, None
    for chunk in oa.chat.completions.create(model="gpt-4o-mini", messages=MSG, stream=True, stream_options={"include_usage": True}):
        if chunk.usage:
            usage = chunk.usage
        for c in chunk.choices:
            if c.delta.content:
                parts.append(c.delta.content)
            if c.finish_reason:
                finish = c.finish_reason
    expect("".join(parts) == full, ("".join(parts), full))
    expect(finish == "stop", finish)
    expect(usage is not None and usage.completion_tokens == len(parts), (usage, len(parts)))


@check("openai: legacy completions")
def _():
    r = oa.completions.create(model="gpt-4o-mini", prompt="Say hi", max_tokens=4)
    expect(r.choices[0].text and r.usage.completion_tokens == 4, r)


@check("openai: embeddings (SDK default base64) equal the float form")
def _():
    b = oa.embeddings.create(model="text-embedding-3-small", input=["hello", "world"])
    f = oa.embeddings.create(model="text-embedding-3-small", input=["hello", "world"], encoding_format="float")
    expect(len(b.data) == 2 and len(b.data[0].embedding) == 1536, len(b.data[0].embedding))
    expect(abs(math.sqrt(sum(x * x for x in b.data[0].embedding)) - 1) < 1e-3, "not normalised")
    expect(all(abs(x - y) < 1e-6 for x, y in zip(b.data[1].embedding, f.data[1].embedding)), "base64 != float")


@check("openai: 401 → AuthenticationError")
def _():
    bad = openai.OpenAI(base_url=a.openai + "/v1", api_key="sk-wrong-key-0000000")
    try:
        bad.models.list()
    except openai.AuthenticationError as e:
        expect(e.status_code == 401 and e.code == "invalid_api_key", (e.status_code, e.code))
        return
    raise AssertionError("no exception")


@check("openai: 404 → NotFoundError (model_not_found)")
def _():
    try:
        oa.chat.completions.create(model="gpt-x", messages=MSG)
    except openai.NotFoundError as e:
        expect(e.code == "model_not_found", e.code)
        return
    raise AssertionError("no exception")


@check("openai: 429 → RateLimitError (no retries)")
def _():
    reset(a.openai)
    add_fault(a.openai, {"status": 429, "times": 1})
    try:
        oa.with_options(max_retries=0).chat.completions.create(model="gpt-4o-mini", messages=MSG)
    except openai.RateLimitError as e:
        expect(e.status_code == 429, e.status_code)
        return
    raise AssertionError("no exception")


@check("openai: client retries through a 429 honouring retry-after-ms (journal shows 2 attempts)")
def _():
    reset(a.openai)
    add_fault(a.openai, {"status": 429, "retry_after_ms": 400, "times": 1, "path": "/v1/chat/completions"})
    r = oa.chat.completions.create(model="gpt-4o-mini", messages=MSG)
    expect(r.choices[0].message.content, "empty")
    attempts = [e for e in journal(a.openai) if e["path"] == "/v1/chat/completions"]
    expect([e["status"] for e in attempts] == [429, 200], [e["status"] for e in attempts])
    gap = attempts[1]["offset_ms"] - attempts[0]["offset_ms"]
    expect(gap >= 390, f"retried after {gap:.0f} ms, retry-after-ms was 400")
    expect(gap < 3000, f"retried after {gap:.0f} ms")
    counts = [{k.lower(): v for k, v in e["headers"].items()}.get("x-stainless-retry-count") for e in attempts]
    expect(counts == ["0", "1"], counts)
    auth = {k.lower(): v for k, v in attempts[0]["headers"].items()}.get("authorization", "")
    expect(auth.endswith("0001") and a.key not in json.dumps(attempts), f"key not masked: {auth}")


@check("openai: mid-stream error event → APIError while iterating")
def _():
    reset(a.openai)
    add_fault(a.openai, {"stream_error": {"after": 3, "message": "backend exploded"}, "times": 1})
    got = []
    try:
        for chunk in oa.chat.completions.create(model="gpt-4o-mini", messages=MSG, stream=True):
            got.append(chunk)
    except openai.APIError as e:
        expect("backend exploded" in str(e.message), e.message)
        expect(len(got) == 3, len(got))
        return
    raise AssertionError("stream ended without error")

# ---------------------------------------------------------------- Ollama

oc = ollama.Client(host=a.ollama)


@check("ollama: list / ps / show")
def _():
    names = [m.model for m in oc.list().models]
    expect(names == ["llama3.2:3b", "qwen2.5:7b", "nomic-embed-text:latest"], names)
    expect(len(oc.ps().models) == 2, oc.ps())
    s = oc.show("llama3.2:3b")
    expect(s.modelinfo["general.architecture"] == "llama", s.modelinfo)


@check("ollama: chat non-streaming and streaming agree; metrics present")
def _():
    whole = oc.chat(model="llama3.2:3b", messages=MSG)
    expect(whole.done and whole.done_reason == "stop", whole)
    parts, last = [], None
    for part in oc.chat(model="llama3.2:3b", messages=MSG, stream=True):
        parts.append(part.message.content)
        last = part
    expect("".join(parts) == whole.message.content, ("".join(parts), whole.message.content))
    expect(last.done and last.eval_count == len(parts) - 1 and last.eval_duration > 0, last)


@check("ollama: generate and embed")
def _():
    g = oc.generate(model="qwen2.5:7b", prompt="hello", options={"num_predict": 3})
    expect(g.done_reason == "length" and g.eval_count == 3, g)
    e = oc.embed(model="nomic-embed-text", input=["a", "b"])
    expect(len(e.embeddings) == 2 and len(e.embeddings[0]) == 768, len(e.embeddings))
    legacy = oc.embeddings(model="nomic-embed-text", prompt="a")
    expect(len(legacy.embedding) == 768, len(legacy.embedding))


@check("ollama: pull progress stream")
def _():
    statuses = [p.status for p in oc.pull("llama3.2:3b", stream=True)]
    expect(statuses[0] == "pulling manifest" and statuses[-1] == "success", statuses)


@check("ollama: 404 → ResponseError(status_code=404, real wording)")
def _():
    try:
        oc.chat(model="nope", messages=MSG)
    except ollama.ResponseError as e:
        expect(e.status_code == 404 and e.error == "model 'nope' not found", (e.status_code, e.error))
        return
    raise AssertionError("no exception")


@check("ollama: 429 fault → ResponseError(status_code=429)")
def _():
    reset(a.ollama)
    add_fault(a.ollama, "status=429,times=1")
    try:
        oc.chat(model="llama3.2:3b", messages=MSG)
    except ollama.ResponseError as e:
        expect(e.status_code == 429, e.status_code)
        return
    raise AssertionError("no exception")


@check("ollama: mid-stream {\"error\"} line → ResponseError(status_code=-1)")
def _():
    reset(a.ollama)
    add_fault(a.ollama, "stream_error=after:2,message=runner crashed,times=1")
    got = 0
    try:
        for _part in oc.chat(model="llama3.2:3b", messages=MSG, stream=True):
            got += 1
    except ollama.ResponseError as e:
        expect(e.status_code == -1 and e.error == "runner crashed" and got == 2, (e.status_code, e.error, got))
        return
    raise AssertionError("stream ended without error")


@check("ollama: disallowed Origin → 403 with empty body")
def _():
    req = urllib.request.Request(a.ollama + "/api/tags", headers={"Origin": "https://evil.example"})
    try:
        urllib.request.urlopen(req, timeout=5)
    except urllib.error.HTTPError as e:
        expect(e.code == 403 and e.read() == b"", e.code)
        return
    raise AssertionError("no 403")


@check("ollama /v1: openai client streaming through the compatibility layer")
def _():
    c = openai.OpenAI(base_url=a.ollama + "/v1", api_key="ollama")
    chunks = list(c.chat.completions.create(model="llama3.2:3b", messages=MSG, stream=True))
    expect(chunks[0].system_fingerprint == "fp_ollama", chunks[0].system_fingerprint)
    expect(chunks[-1].choices[0].finish_reason == "stop", chunks[-1])
    try:
        c.chat.completions.create(model="nope", messages=MSG)
    except openai.NotFoundError as e:
        expect(e.type == "not_found_error", e.type)
        return
    raise AssertionError("no exception")

# ---------------------------------------------------------------- LM Studio

lm = openai.OpenAI(base_url=a.lmstudio + "/v1", api_key="lm-studio")


@check("lmstudio: openai client models and streaming chat")
def _():
    ids = [m.id for m in lm.models.list()]
    expect("qwen2.5-7b-instruct" in ids, ids)
    text = "".join(c.choices[0].delta.content or "" for c in lm.chat.completions.create(model="qwen2.5-7b-instruct", messages=MSG, stream=True) if c.choices)
    expect(text, "empty stream")


@check("lmstudio: /api/v0 models state and chat stats")
def _():
    _, body = http("GET", a.lmstudio + "/api/v0/models")
    states = {m["id"]: m["state"] for m in json.loads(body)["data"]}
    expect(states["meta-llama-3.1-8b-instruct"] == "not-loaded", states)
    _, body = http("POST", a.lmstudio + "/api/v0/chat/completions", {"model": "qwen2.5-7b-instruct", "messages": MSG})
    r = json.loads(body)
    expect(r["stats"]["stop_reason"] == "eosFound" and "model_info" in r and "runtime" in r, r.keys())


@check("lmstudio: unknown endpoint is HTTP 200 with an error; SDK returns no exception")
def _():
    status, body = http("GET", a.lmstudio + "/foo")
    expect(status == 200 and json.loads(body)["error"] == "Unexpected endpoint or method. (GET /foo)", body)
    odd = openai.OpenAI(base_url=a.lmstudio, api_key="x").chat.completions.create(model="qwen2.5-7b-instruct", messages=MSG)
    expect(getattr(odd, "error", None), "expected the SDK to hand back the error attribute")


failed = sum(1 for _, e in results if e is not None)
print(f"{len(results) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
