import Foundation
import HTTPWire
import MockProviders
import ProviderClient

/// `llmcheck bench`: framer throughput and the provider client's overhead over a raw socket read.
public enum BenchCommand: Command {
    public static let spec = CommandSpec(
        name: "bench", abstract: "Measure framer throughput and client overhead.",
        discussion: """
            --framers          SSE and NDJSON framers over a synthetic chat stream, fed in 16 KiB reads and in
                               one read per event: MB/s and ns per event (also SSE + JSON parse per event).
            --client-overhead  An in-process mock (OpenAI dialect) streams the same 200-chunk answer to a raw
                               HTTPWire socket read and to ProviderClient.streamChat; reports E2E of both and
                               the difference, unpaced (pure per-chunk cost) and paced at --tokens-per-second.
            --mock-engine      The mock servers' user-space cost per request without sockets: the chat.lua request
                               of Benchmarks/ is parsed and answered by MockEngine into an in-memory writer
                               (ns/request; also streaming chat, /v1/models and Ollama /api/chat).
            --parser-fuzz N    N seeded, mutated requests through the request parser, whole and split at a random
                               point: the same requests or the same error each time, buffers within the limits
                               (exit 70 on any difference). Not part of the default run; used by Benchmarks/soak.sh.
            With no flag, all but --parser-fuzz run. Build with -c release for meaningful numbers.

            EXIT CODES: 0 done, 64 usage, 70 internal error.
            """,
        options: [
            .flag("--framers", help: "Run the framer benchmark."),
            .flag("--client-overhead", help: "Run the client-overhead benchmark."),
            .flag("--mock-engine", help: "Run the mock engine benchmark (ns per request, no sockets)."),
            .option("--parser-fuzz", value: "N", help: "Fuzz the request parser with N seeded inputs."),
            .option("--fuzz-seed", value: "S", help: "Seed of --parser-fuzz.", default: "1"),
            .option("--engine-case", value: "TEXT", help: "Only the mock engine cases whose name contains TEXT (e.g. non-streaming)."),
            .option("--runs", value: "N", help: "Measured runs per client-overhead case.", default: "5"),
            .option("--tokens-per-second", value: "R", help: "Pace of the paced client-overhead case.", default: "200"),
            .option("--seconds", value: "S", help: "Minimum time per framer measurement.", default: "0.5"),
            .flag("--json", help: "Print JSON."),
        ])

    public static func run(_ arguments: ParsedArguments, context: CommandContext) async throws -> ExitCode {
        var runFramers = arguments.flag("--framers")
        var runClient = arguments.flag("--client-overhead")
        var runEngine = arguments.flag("--mock-engine")
        if let count = try arguments.int("--parser-fuzz", in: 1...1_000_000_000) {
            let seed = UInt64(try arguments.int("--fuzz-seed", in: 0...Int.max) ?? 1)
            let report = RequestParserFuzz.run(count: count, seed: seed)
            if arguments.flag("--json") {
                context.output.line(report.json.prettySerialized())
            } else {
                let refused = report.refused.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
                context.output.line(
                    "parser fuzz (seed \(seed)): \(report.inputs) inputs, \(report.requests) requests parsed, refused \(refused), "
                        + "\(report.mismatches.count) split mismatches, largest buffer \(report.largestBuffer) B, "
                        + String(format: "%.0f inputs/s", Double(report.inputs) / max(1e-9, Double(report.elapsed.nanoseconds) / 1e9)))
                for mismatch in report.mismatches { context.output.line("  mismatch: \(mismatch)") }
            }
            guard report.mismatches.isEmpty else { return .software }
            if !runFramers && !runClient && !runEngine { return .success }
        }
        if !runFramers && !runClient && !runEngine {
            runFramers = true
            runClient = true
            runEngine = true
        }
        let runs = try arguments.int("--runs", in: 1...1000) ?? 5
        let pace = Double(try arguments.int("--tokens-per-second", in: 1...100_000) ?? 200)
        let seconds = try arguments.seconds("--seconds") ?? 0.5
        var document: JSONValue = ["build": .string(buildMode)]
        if !arguments.flag("--json") { context.output.line("llmcheck bench (\(buildMode) build)") }
        if runFramers {
            let results = FramerBenchmark.runAll(minimumSeconds: seconds)
            document.set("framers", .array(results.map(\.json)))
            if !arguments.flag("--json") {
                context.output.line("")
                context.output.line("Framers (synthetic chat stream, \(FramerBenchmark.eventCount) events per pass):")
                for line in ClientCommandSupport.table(
                    ["CASE", "MB/s", "ns/event", "events"],
                    results.map { [$0.name, String(format: "%.0f", $0.megabytesPerSecond), String(format: "%.1f", $0.nanosecondsPerEvent), String($0.events)] })
                { context.output.line("  " + line) }
            }
        }
        if runClient {
            let results = try await ClientOverheadBenchmark.runAll(runs: runs, pace: pace)
            document.set("client_overhead", .array(results.map(\.json)))
            if !arguments.flag("--json") {
                context.output.line("")
                context.output.line("Client overhead (200-chunk stream from an in-process mock, \(runs) runs each, means):")
                for line in ClientCommandSupport.table(
                    ["CASE", "raw E2E", "client E2E", "overhead", "per chunk", "chunks"],
                    results.map {
                        [
                            $0.name, String(format: "%.2f ms", $0.rawMilliseconds), String(format: "%.2f ms", $0.clientMilliseconds),
                            String(format: "%+.2f %%", $0.overheadPercent), String(format: "%.1f µs", $0.perChunkMicroseconds), String($0.chunks),
                        ]
                    })
                { context.output.line("  " + line) }
            }
        }
        if runEngine {
            let results = try MockEngineBenchmark.runAll(minimumSeconds: seconds, only: arguments.string("--engine-case"))
            document.set("mock_engine", .array(results.map(\.json)))
            if !arguments.flag("--json") {
                context.output.line("")
                context.output.line("Mock engine (parse + handle + frame in memory, no sockets, default configuration):")
                for line in ClientCommandSupport.table(
                    ["CASE", "ns/request", "requests/s", "bytes/response"],
                    results.map {
                        [$0.name, String(format: "%.0f", $0.nanosecondsPerRequest), String(format: "%.0f", $0.requestsPerSecond), String($0.responseBytes)]
                    })
                { context.output.line("  " + line) }
            }
        }
        if arguments.flag("--json") { context.output.line(document.prettySerialized()) }
        return .success
    }

    static var buildMode: String {
        #if DEBUG
        "debug"
        #else
        "release"
        #endif
    }
}

// MARK: - Framers

enum FramerBenchmark {
    static let eventCount = 2000

    struct Result {
        var name: String
        var bytes: Int
        var events: Int
        var elapsed: Duration
        var megabytesPerSecond: Double { Double(bytes) / (Double(elapsed.nanoseconds) / 1e9) / 1e6 }
        var nanosecondsPerEvent: Double { Double(elapsed.nanoseconds) / Double(max(events, 1)) }
        var json: JSONValue {
            ["case": .string(name), "mb_per_s": .number(megabytesPerSecond), "ns_per_event": .number(nanosecondsPerEvent), "events": .int(events), "bytes": .int(bytes)]
        }
    }

    static func sseEvents() -> [[UInt8]] {
        (0..<eventCount).map { i in
            Array(#"data: {"id":"chatcmpl-abc123","object":"chat.completion.chunk","created":1743580800,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":" token\#(i % 97)"},"finish_reason":null}]}"#.utf8) + [0x0A, 0x0A]
        }
    }

    static func ndjsonLines() -> [[UInt8]] {
        (0..<eventCount).map { i in
            Array(#"{"model":"llama3.2","created_at":"2025-10-26T17:15:24.097767Z","message":{"role":"assistant","content":" token\#(i % 97)"},"done":false}"#.utf8) + [0x0A]
        }
    }

    static func chunks(_ events: [[UInt8]], size: Int?) -> [[UInt8]] {
        guard let size else { return events }
        let all = events.flatMap { $0 }
        return stride(from: 0, to: all.count, by: size).map { Array(all[$0..<min($0 + size, all.count)]) }
    }

    static func measure(_ name: String, chunks: [[UInt8]], minimumSeconds: Double, pass: ([[UInt8]]) -> Int) -> Result {
        let bytesPerPass = chunks.reduce(0) { $0 + $1.count }
        _ = pass(chunks)  // warm-up
        var bytes = 0
        var events = 0
        let start = MonotonicInstant.now()
        let minimum = Duration.seconds(minimumSeconds)
        var elapsed = Duration.zero
        repeat {
            events += pass(chunks)
            bytes += bytesPerPass
            elapsed = start.elapsed
        } while elapsed < minimum
        return Result(name: name, bytes: bytes, events: events, elapsed: elapsed)
    }

    static func runAll(minimumSeconds: Double) -> [Result] {
        let sse = sseEvents()
        let ndjson = ndjsonLines()
        let ssePass: ([[UInt8]]) -> Int = { chunks in
            var parser = SSEParser()
            var count = 0
            for chunk in chunks { count += (try? parser.consume(chunk).count) ?? 0 }
            count += (try? parser.finish().count) ?? 0
            return count
        }
        let ndjsonPass: ([[UInt8]]) -> Int = { chunks in
            var framer = NDJSONFramer()
            var count = 0
            for chunk in chunks { count += (try? framer.consume(chunk).count) ?? 0 }
            count += (try? framer.finish().count) ?? 0
            return count
        }
        let sseJSONPass: ([[UInt8]]) -> Int = { chunks in
            var parser = SSEParser()
            var count = 0
            for chunk in chunks {
                for event in (try? parser.consume(chunk)) ?? [] where (try? JSONValue.parse(event.data)) != nil { count += 1 }
            }
            return count
        }
        return [
            measure("SSE, 16 KiB reads", chunks: chunks(sse, size: 16 * 1024), minimumSeconds: minimumSeconds, pass: ssePass),
            measure("SSE, one read per event", chunks: chunks(sse, size: nil), minimumSeconds: minimumSeconds, pass: ssePass),
            measure("SSE, 7-byte reads", chunks: chunks(sse, size: 7), minimumSeconds: minimumSeconds, pass: ssePass),
            measure("NDJSON, 16 KiB reads", chunks: chunks(ndjson, size: 16 * 1024), minimumSeconds: minimumSeconds, pass: ndjsonPass),
            measure("NDJSON, one read per line", chunks: chunks(ndjson, size: nil), minimumSeconds: minimumSeconds, pass: ndjsonPass),
            measure("SSE + JSON parse, 16 KiB reads", chunks: chunks(sse, size: 16 * 1024), minimumSeconds: minimumSeconds, pass: sseJSONPass),
        ]
    }
}

// MARK: - Client overhead

enum ClientOverheadBenchmark {
    struct Result {
        var name: String
        var rawMilliseconds: Double
        var clientMilliseconds: Double
        var chunks: Int
        var overheadPercent: Double { (clientMilliseconds - rawMilliseconds) / rawMilliseconds * 100 }
        var perChunkMicroseconds: Double { (clientMilliseconds - rawMilliseconds) * 1000 / Double(max(chunks, 1)) }
        var json: JSONValue {
            [
                "case": .string(name), "raw_e2e_ms": .number(rawMilliseconds), "client_e2e_ms": .number(clientMilliseconds),
                "overhead_percent": .number(overheadPercent), "overhead_per_chunk_us": .number(perChunkMicroseconds), "chunks": .int(chunks),
            ]
        }
    }

    static let tokens = 200

    static func runAll(runs: Int, pace: Double) async throws -> [Result] {
        [
            try await run(name: "unpaced (per-chunk cost)", physics: .instant, runs: runs * 4),
            try await run(name: String(format: "paced %.0f tok/s", pace), physics: StreamingPhysics(tokensPerSecond: pace), runs: runs),
        ]
    }

    static func run(name: String, physics: StreamingPhysics, runs: Int) async throws -> Result {
        let reply = (0..<tokens).map { "w\($0 % 10)" }.joined(separator: " ")
        let configuration = MockConfiguration(provider: .openai, physics: physics, replyText: reply, journalCapacity: 100)
        return try await withMockProviderServer(configuration) { server in
            let endpoint = ProviderEndpoint(kind: .openaiCompatible, host: "127.0.0.1", port: server.port)
            let client = ProviderClient(endpoint: endpoint, configuration: ProviderClientConfiguration(retry: .none, transport: RawSocketTransport.shared))
            let request = ChatRequest(model: "gpt-4o-mini", messages: [.user("bench")], maxTokens: tokens, includeUsage: false)
            var rawBody: JSONValue = ["model": "gpt-4o-mini", "messages": [["role": "user", "content": "bench"]], "stream": true, "max_tokens": .int(tokens)]
            rawBody.set("stream", true)
            let rawRequest = HTTPClientRequest(
                method: .post, host: "127.0.0.1", port: server.port, target: "/v1/chat/completions",
                headers: ["Content-Type": "application/json", "Accept": "text/event-stream"], body: rawBody.serializedBytes())
            var rawTotal = Duration.zero
            var clientTotal = Duration.zero
            var chunks = 0
            for round in 0...runs {
                // Alternate the order so neither side always runs on a warmer cache.
                let raw = try await rawRun(rawRequest)
                let (clientTime, count) = try await clientRun(client, request)
                if round > 0 {
                    rawTotal += raw
                    clientTotal += clientTime
                    chunks = count
                }
            }
            return Result(
                name: name, rawMilliseconds: rawTotal.milliseconds / Double(runs), clientMilliseconds: clientTotal.milliseconds / Double(runs),
                chunks: chunks)
        }
    }

    /// Send → last body byte read, with no framing at all.
    static func rawRun(_ request: HTTPClientRequest) async throws -> Duration {
        let start = MonotonicInstant.now()
        var last = start
        for try await event in RawHTTPClient().stream(request) {
            if case .body = event { last = .now() }
        }
        return start.duration(to: last)
    }

    /// Send → `.completed` delivered by `streamChat` (framing, JSON, deltas, timing, end check).
    static func clientRun(_ client: ProviderClient, _ request: ChatRequest) async throws -> (Duration, Int) {
        let start = MonotonicInstant.now()
        var end = start
        var chunks = 0
        for try await event in client.streamChat(request) {
            if case .completed(let result) = event {
                end = .now()
                chunks = result.timing.chunksCount
            }
        }
        return (start.duration(to: end), chunks)
    }
}
