#!/usr/bin/env python3
"""The official `ollama` Python client as a program under test (contract: docs/clients.md).

What a typical app does: the SDK reads OLLAMA_HOST itself; the app sets a request timeout
(LLMCHECK_TIMEOUT_MS) and otherwise keeps the SDK's defaults. It speaks Ollama's native API only.
"""
import os
import sys

import ollama

env = os.environ
if env.get("LLMCHECK_PROVIDER", "ollama") != "ollama":
    print(f"error: the ollama client speaks Ollama only, not {env.get('LLMCHECK_PROVIDER')}", file=sys.stderr)
    sys.exit(2)
timeout = float(env.get("LLMCHECK_TIMEOUT_MS", "600000")) / 1000.0
client = ollama.Client(timeout=timeout, headers={"X-Test-Id": env.get("LLMCHECK_TEST_ID", "")})
operation = env.get("LLMCHECK_OPERATION", "chat")
model = env.get("LLMCHECK_MODEL", "")
prompt = env.get("LLMCHECK_PROMPT", "Say hello.")

try:
    if operation == "models":
        for m in client.list().models:
            print(m.model)
    elif operation == "embed":
        print(len(client.embed(model=model, input=prompt).embeddings[0]))
    elif env.get("LLMCHECK_STREAM", "1") == "1":
        for part in client.chat(model=model, messages=[{"role": "user", "content": prompt}], stream=True):
            sys.stdout.write(part.message.content or "")
            sys.stdout.flush()
        print()
    else:
        print(client.chat(model=model, messages=[{"role": "user", "content": prompt}]).message.content or "")
except Exception as error:
    print(f"\nerror: {type(error).__name__}: {error}", file=sys.stderr)
    sys.exit(1)
