extension FaultSpec {
    /// The fault grammar with one example per fault, for `llmcheck serve --help` and the docs.
    public static let helpText = """
        FAULTS (--fault SPEC, repeatable; the same keys work as JSON in scenario files and POST /__llmcheck/faults):
          SPEC is comma-separated key=value items: exactly one fault, its parameters, and optional schedule keys.
          "After N" counts body chunks (one SSE event / NDJSON line, or the whole body of a JSON answer).
          delay_headers=DUR           wait before the status line            delay_headers=3s
          delay_body=DUR              headers at once, wait before the body  delay_body=1500ms
          stall=after:N[,for:DUR]     stop after N chunks; no 'for' = until the client gives up
                                                                             stall=after:3,for:5s
          close=after:N               clean FIN after N chunks (no terminator, no final event)
                                                                             close=after:2
          cut=after:N                 send half of chunk N+1, then FIN       cut=after:4
          rst=headers | rst=after:N   TCP RST (SO_LINGER 0) before the head or after N chunks
                                                                             rst=after:2,p=0.1
          malformed=chunk:N           chunk N carries truncated JSON         malformed=chunk:3
          content_type=TYPE|none      wrong or missing Content-Type          content_type=text/html
          bad_chunked=after:N         a chunk with a non-hex size line after N chunks, then FIN
                                                                             bad_chunked=after:1
          length_mismatch=+N|-N       Content-Length off by N bytes, then FIN
                                                                             length_mismatch=+20
          drip=BYTES_PER_SECOND       send the body slowly                   drip=200
          status=CODE                 the provider's own error body; with retry_after=SEC,
                                      retry_after_ms=MS, should_retry=true|false, message=TEXT
                                                                             status=429,retry_after=2,times=1
                                                                             status=401   status=404   status=503
          stream_error=after:N        mid-stream error: Ollama {"error":…} line or OpenAI data: {"error":{…}}
                                      event, then the stream ends            stream_error=after:5,message="boom"
        SCHEDULE (all optional, all must hold):
          path=GLOB    model=GLOB    method=POST    request=N (only the Nth matching request)
          times=K (at most K times)   p=0.25 (probability, drawn from --seed; the seed is printed)
          test_id=GLOB (only requests whose X-Test-Id header matches: isolates concurrent tests)
          Example: --fault 'stall=after:3,for:5s,path=/api/chat'   --fault 'rst=after:2,p=0.1'
        Values with commas are quoted: message="a, b". Bad specs are refused at start-up with the column.
        One request can carry its own fault: header X-LLMCheck-Fault: status=503 (that request only).
        """
}
