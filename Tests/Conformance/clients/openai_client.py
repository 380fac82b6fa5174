#!/usr/bin/env python3
"""The official `openai` Python client as a program under test (contract: docs/clients.md).

What a typical app does: the SDK reads OPENAI_BASE_URL and OPENAI_API_KEY itself; the app sets a request
timeout (LLMCHECK_TIMEOUT_MS) and otherwise keeps the SDK's defaults (2 retries, its own backoff).
"""
import os
import sys

import openai

env = os.environ
timeout = float(env.get("LLMCHECK_TIMEOUT_MS", "600000")) / 1000.0
client = openai.OpenAI(timeout=timeout, default_headers={"X-Test-Id": env.get("LLMCHECK_TEST_ID", "")})
operation = env.get("LLMCHECK_OPERATION", "chat")
model = env.get("LLMCHECK_MODEL", "")
prompt = env.get("LLMCHECK_PROMPT", "Say hello.")

try:
    if operation == "models":
        for m in client.models.list():
            print(m.id)
    elif operation == "embed":
        result = client.embeddings.create(model=model, input=prompt)
        print(len(result.data[0].embedding))
    elif env.get("LLMCHECK_STREAM", "1") == "1":
        stream = client.chat.completions.create(model=model, messages=[{"role": "user", "content": prompt}], stream=True)
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
                sys.stdout.write(chunk.choices[0].delta.content)
                sys.stdout.flush()
        print()
    else:
        result = client.chat.completions.create(model=model, messages=[{"role": "user", "content": prompt}])
        print(result.choices[0].message.content or "")
except Exception as error:  # the SDK's errors and anything else: report and exit non-zero
    print(f"\nerror: {type(error).__name__}: {error}", file=sys.stderr)
    sys.exit(1)
