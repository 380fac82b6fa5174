import Foundation
import HTTPWire
import ProviderClient
import Testing

@testable import Diagnosis

@Suite("Classifiers, names and decoders")
struct ClassificationTests {
    @Test(arguments: [
        ("connect ECONNREFUSED ::1:11434", "localhost-resolves-ipv6"),
        ("connect ECONNREFUSED 127.0.0.1:11434", "server-not-running"),
        ("[WinError 10061] No connection could be made", "server-not-running"),
        ("curl: (28) Failed to connect to 192.168.1.194 port 11434 after 21069 ms", "firewall-drop-timeout"),
        ("connect EHOSTUNREACH 192.168.20.12:11434", "macos-local-network-privacy"),
        ("getaddrinfo ENOTFOUND api.openai.com", "dns-failure"),
        ("Cannot connect to host host.docker.internal:11434 ssl:default [Name or service not known]", "docker-host-gateway-missing"),
        ("[SSL: WRONG_VERSION_NUMBER] wrong version number", "tls-scheme-mismatch"),
        ("self-signed certificate in certificate chain", "tls-untrusted-cert"),
        ("SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON", "wrong-service-on-port"),
        ("404 Invalid URL (POST /v1/chat/completions/chat/completions)", "base-url-doubled-path"),
        ("has been blocked by CORS policy", "cors-preflight-blocked"),
        ("Incorrect API key provided: sk-abc***wjh3", "openai-invalid-key"),
        (#"{"error":{"type":"insufficient_quota","code":"insufficient_quota"}}"#, "openai-insufficient-quota"),
        ("Rate limit reached for gpt-4o in organization", "openai-rate-limited"),
        ("The model `gpt-5x` does not exist or you do not have access to it.", "openai-model-no-access"),
        ("unsupported_country_region_territory", "region-blocked"),
        ("The api_key client option must be set", "client-requires-dummy-key"),
        ("model \"llama3\" not found, try pulling it first", "ollama-model-not-pulled"),
        ("model 'llama3:latest' not found", "ollama-model-not-pulled"),
        (#"{"error":"model 'qwen3:8b' not found"}"#, "ollama-model-not-pulled"),
        (#"{"error":{"message":"Model \"qwen3\" not found.","code":"model_not_found"}}"#, "openai-model-no-access"),
        ("No models loaded. Please load a model", "lmstudio-server-off-or-no-model"),
        ("pull model manifest: 412: requires a newer version of Ollama", "server-too-old-for-endpoint"),
        ("registry.ollama.ai/library/gemma3:4b does not support tools", "model-lacks-capability"),
        ("model requires more system memory (5.0 GiB) than is available (3.9 GiB)", "model-too-large-oom"),
        ("llama runner process has terminated: exit status 0xc000001d", "runner-crash"),
        ("timed out waiting for llama runner to start - progress 0.00", "model-load-timeout"),
        ("HeadersTimeoutError: Headers Timeout Error", "client-timeout-cap"),
        ("server busy, please try again.  maximum pending requests exceeded", "server-busy"),
        ("This model's maximum context length is 16384 tokens", "context-length-exceeded"),
        ("httpx.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)", "midstream-disconnect"),
        ("Error: socket hang up", "keepalive-reuse-reset"),
        ("listen tcp 127.0.0.1:11434: bind: address already in use", "port-in-use-or-reserved"),
    ])
    func classifiesErrorStrings(text: String, expected: String) {
        #expect(FailureClassifier.classify(text) == expected)
        #expect(FailureCatalog.mode(expected) != nil, "every classifier target is in the catalog")
    }

    @Test func statusAndHeadersDecideBeforeText() {
        #expect(FailureClassifier.classify("<html>504 Gateway Time-out</html>", status: 504, headers: ["Server": "nginx/1.25"]) == "gateway-timeout-504")
        #expect(FailureClassifier.classify("error code: 524", status: 524, headers: ["Server": "cloudflare"]) == "cloudflare-524")
        #expect(FailureClassifier.classify(#"{"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}}"#, status: 401) == "local-server-key-required")
        #expect(FailureClassifier.classify(#"{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}"#, status: 503) == "cold-load-slow-first-request")
        #expect(FailureClassifier.classify(#"{"object":"error","message":"The model `Qwen` does not exist.","type":"NotFoundError","code":404}"#, status: 404) == "served-model-name-mismatch")
        #expect(FailureClassifier.classify("everything is fine") == nil)
    }

    @Test func catalogIsCompleteAndConsistent() {
        #expect(FailureCatalog.all.count == 57)
        let ids = FailureCatalog.all.map(\.id)
        #expect(Set(ids).count == ids.count, "ids are unique")
        for mode in FailureCatalog.all {
            for other in mode.lookAlikes { #expect(FailureCatalog.mode(other) != nil, "\(mode.id) → \(other)") }
            #expect(!mode.lookAlikes.contains(mode.id))
            #expect(!mode.explanation.isEmpty && !mode.fix.general.isEmpty)
        }
        #expect(FailureCatalog.mode("bound-loopback-only")?.fix.text(for: .linux).contains("systemctl edit ollama") == true)
        #expect(FailureCatalog.mode("bound-loopback-only")?.fix.text(for: .macOS).contains("launchctl setenv") == true)
        #expect(FailureCatalog.mode("bound-loopback-only")?.fix.text(for: .windows).contains("tray") == true)
    }

    @Test func ollamaNameNormalizationAndSuggestions() {
        #expect(ModelNames.normalizeOllama("Llama3.2") == "llama3.2:latest")
        #expect(ModelNames.normalizeOllama("registry.ollama.ai/library/qwen2.5:7b") == "qwen2.5:7b")
        #expect(ModelNames.normalizeOllama("hf.co/user/model:Q4") == "hf.co/user/model:q4")
        let installed = ["llama3.2:3b", "qwen2.5:7b", "nomic-embed-text:latest", "mistral:latest"]
        #expect(ModelNames.closest(to: "llama3.2", in: installed).first == "llama3.2:3b")
        #expect(ModelNames.closest(to: "qwen2.5:14b", in: installed).first == "qwen2.5:7b")
        #expect(ModelNames.closest(to: "mistrall", in: installed).first == "mistral:latest")
        #expect(ModelNames.closest(to: "completely-different-name-xyz", in: installed).isEmpty)
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
        #expect(ModelNames.version("0.3.3", isOlderThan: "0.3.4"))
        #expect(!ModelNames.version("0.3.10", isOlderThan: "0.3.4"))
        #expect(!ModelNames.version("0.12.6-rc1", isOlderThan: "0.12.6"))
    }

    @Test func chunkedResponseAtEveryLength() {
        let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        let wire = Array((head + "4\r\nWiki\r\n6;ext=1\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\n").utf8)
        let expected = Array("Wikipedia in \r\n\r\nchunks.".utf8)
        // Fed in reads of every size, the completion test says "complete" exactly at the last byte.
        for size in 1...wire.count {
            let completion = ResponseCompletion(method: "GET")
            var all: [UInt8] = []
            var completeAt: Int?
            var i = 0
            while i < wire.count {
                all += wire[i..<min(i + size, wire.count)]
                i += size
                if completeAt == nil, completion.isComplete(all) { completeAt = all.count }
            }
            #expect(completeAt == wire.count, "size \(size)")
        }
        #expect(ResponseCompletion(method: "GET").isComplete(Array("SSH-2.0-OpenSSH_9.6\r\n".utf8)), "not HTTP: no point waiting")
        #expect(ResponseCompletion(method: "GET", goal: .head).isComplete(Array(head.utf8)))
        #expect(!ResponseCompletion(method: "GET", goal: .head).isComplete(Array(head.utf8.dropLast())))
        let parsed = try? #require(ProbeHTTP.parse(wire, method: "GET"))
        #expect(parsed?.isComplete == true && parsed?.body == expected)
        let bad = ProbeHTTP.parse(Array((head + "zz\r\nabc").utf8), method: "GET")
        #expect(bad?.head.status.code == 200 && bad?.isComplete == false && bad?.body.isEmpty == true)
        #expect(ProbeHTTP.parse(Array("SSH-2.0-OpenSSH_9.6\r\n".utf8), method: "GET") == nil)
    }

    @Test func responseParsingAtEveryChunkSize() {
        let wire = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 17\r\n\r\nOllama is running".utf8)
        for size in 1...wire.count {
            var reads: [(milliseconds: Double, bytes: [UInt8])] = []
            var i = 0
            while i < wire.count {
                reads.append((Double(i), Array(wire[i..<min(i + size, wire.count)])))
                i += size
            }
            let partial = Array(wire.prefix(max(0, wire.count - 1)))
            #expect(!ResponseCompletion(method: "GET").isComplete(partial), "size \(size)")
            let exchange = ProbeNet.Exchange(
                connect: ConnectAttempt(address: SocketAddress.loopbackIPv4(port: 1), port: 1, outcome: .connected, elapsedMilliseconds: 0),
                reads: reads, end: .complete, totalMilliseconds: 1
            )
            let response = ProbeHTTP.outcome(of: exchange).response
            #expect(response?.status == 200 && response?.text == "Ollama is running", "size \(size)")
        }
    }

    @Test func streamDecodingWithTimestampsAtEveryChunkSize() {
        let body = "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"!\"}}]}\n\ndata: [DONE]\n\n"
        var chunked = ""
        for piece in body.split(separator: "\n", omittingEmptySubsequences: false).map({ $0 + "\n" }).dropLast() {
            chunked += String(piece.utf8.count, radix: 16) + "\r\n" + piece + "\r\n"
        }
        chunked += "0\r\n\r\n"
        let wire = Array(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked).utf8)
        for size in 1...wire.count {
            var reads: [(milliseconds: Double, bytes: [UInt8])] = []
            var i = 0
            while i < wire.count {
                reads.append((Double(i), Array(wire[i..<min(i + size, wire.count)])))
                i += size
            }
            let exchange = ProbeNet.Exchange(
                connect: ConnectAttempt(address: SocketAddress.loopbackIPv4(port: 1), port: 1, outcome: .connected, elapsedMilliseconds: 0),
                reads: reads, end: .complete, totalMilliseconds: 1
            )
            let record = StreamRecord.decode(exchange, sse: true)
            #expect(record.contentEvents.map(\.text) == ["Hi", "!"], "size \(size)")
            #expect(record.hasEndMarker, "size \(size)")
            let times = record.events.map(\.milliseconds)
            #expect(times == times.sorted(), "size \(size)")
        }
    }

    /// `wire` cut into reads of `size` bytes, one millisecond per byte offset.
    static func record(_ wire: [UInt8], size: Int, sse: Bool) -> StreamRecord {
        var reads: [(milliseconds: Double, bytes: [UInt8])] = []
        var i = 0
        while i < wire.count {
            reads.append((Double(i), Array(wire[i..<min(i + size, wire.count)])))
            i += size
        }
        let exchange = ProbeNet.Exchange(
            connect: ConnectAttempt(address: SocketAddress.loopbackIPv4(port: 1), port: 1, outcome: .connected, elapsedMilliseconds: 0),
            reads: reads, end: .closed, totalMilliseconds: Double(wire.count)
        )
        return StreamRecord.decode(exchange, sse: sse)
    }

    static func ndjsonWire(_ lines: [String]) -> [UInt8] {
        let body = lines.map { $0 + "\n" }.joined()
        return Array("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
    }

    @Test func ndjsonErrorLineIsAnErrorEvent() {
        let wire = Self.ndjsonWire([#"{"message":{"content":"hi"},"done":false}"#, #"{"error":"llama runner process has terminated"}"#])
        let record = Self.record(wire, size: wire.count, sse: false)
        #expect(record.contentEvents.map(\.text) == ["hi"])
        #expect(record.errorEvent?.text.contains("llama runner process has terminated") == true)
        #expect(!record.hasEndMarker)
    }

    /// Issue 12 item 4: text in the `done:true` line is token text (chat and generate), at every cut.
    @Test func contentInTheDoneLineCountsAtEveryChunkSize() {
        let chat = Self.ndjsonWire([#"{"model":"m","message":{"role":"assistant","content":"Hello there"},"done":true,"done_reason":"stop"}"#])
        let generate = Self.ndjsonWire([#"{"model":"m","response":"Hi","done":false}"#, #"{"model":"m","response":"!","done":true}"#])
        for size in 1...chat.count {
            let record = Self.record(chat, size: size, sse: false)
            #expect(record.contentEvents.map(\.text) == ["Hello there"], "size \(size)")
            #expect(record.hasEndMarker, "size \(size)")
            #expect(record.firstContent != nil, "size \(size)")
        }
        for size in 1...generate.count {
            let record = Self.record(generate, size: size, sse: false)
            #expect(record.contentEvents.map(\.text) == ["Hi", "!"], "size \(size)")
            #expect(record.hasEndMarker, "size \(size)")
        }
    }

    @Test func sseCommentsAreNoEvents() {
        let body = ": keep-alive\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\ndata: [DONE]\n\n"
        let wire = Array("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
        let record = Self.record(wire, size: 7, sse: true)
        #expect(record.events.map(\.kind) == [.content, .done])
    }

    @Test func tlsHelloLooksLikeTLS() {
        let hello = TLSClientHello.bytes(serverName: "api.openai.com")
        #expect(TLSClientHello.isTLSRecord(hello))
        #expect(Int(hello[3]) << 8 | Int(hello[4]) == hello.count - 5, "record length matches")
        #expect(!TLSClientHello.isTLSRecord(Array("HTTP/1.1 400".utf8)))
    }
}
