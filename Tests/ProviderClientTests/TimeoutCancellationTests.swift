import HTTPWire
import ProviderClient
import Testing

@Suite("Timeouts and cancellation (scripted)", .timeLimit(.minutes(1))) struct TimeoutCancellationTests {
    /// Short headers and idle timeouts; the connect timeout is generous because the scripted `.connect`
    /// can be delivered late under a parallel test run, and only `connectTimeoutFires` wants it to fire.
    /// (The connect backstop, 3 × 5 s, is later than the headers deadline: the watchdog must notice.)
    let short = ProviderTimeouts(connect: .seconds(5), headers: .milliseconds(150), idle: .milliseconds(150), total: .seconds(20))

    @Test func headersTimeoutFires() async {
        let (client, transport) = scriptedClient(scripts: [ScriptedTransport.Script([.connect, .hang])], retry: .none, timeouts: short)
        let (_, error) = await collect(client.streamChat(chatRequest))
        #expect(error?.code == .headersTimeout)
        #expect(error?.timeoutName == "headers")
        #expect(transport.cancelledCount == 1, "the timed-out exchange is closed")
    }

    @Test func connectTimeoutFires() async {
        let timeouts = ProviderTimeouts(connect: .milliseconds(100), headers: .seconds(5), idle: .seconds(5), total: .seconds(20))
        let (client, _) = scriptedClient(scripts: [ScriptedTransport.Script([.hang])], retry: .none, timeouts: timeouts)
        #expect(await collect(client.streamChat(chatRequest)).error?.code == .connectTimeout)
    }

    /// The idle timeout is 2 s against a 20 ms pause: a parallel test run on two cores once delayed the
    /// scripted second chunk past a 400 ms idle timeout. Only the final `.hang` should trip it.
    @Test func idleTimeoutFiresBetweenChunks() async {
        let timeouts = ProviderTimeouts(connect: .seconds(5), headers: .seconds(5), idle: .seconds(2), total: .seconds(30))
        let script = ScriptedTransport.Script([
            .connect, .head(status: 200, headers: ["Content-Type": "text/event-stream"]), .body(Array(openAIStream[1].utf8)),
            .pause(.milliseconds(20)), .body(Array(openAIStream[2].utf8)), .hang,
        ])
        let (client, _) = scriptedClient(scripts: [script], retry: .none, timeouts: timeouts)
        let (events, error) = await collect(client.streamChat(chatRequest))
        #expect(events.text == "Hello", "a pause shorter than the idle timeout is fine")
        #expect(error?.code == .idleTimeout)
    }

    /// The idle deadline after the head is far earlier than the deadlines the watchdog planned in the
    /// earlier phases (connect backstop 3 × 30 s, headers 10 min); it must wake for each phase change.
    /// A watchdog that slept through them would run into the suite's one-minute time limit.
    @Test func idleTimeoutShorterThanHeadersTimeoutFiresOnTime() async {
        let timeouts = ProviderTimeouts(connect: .seconds(30), headers: .seconds(600), idle: .milliseconds(200), total: nil)
        let script = ScriptedTransport.Script([
            .connect, .head(status: 200, headers: ["Content-Type": "text/event-stream"]), .body(Array(openAIStream[1].utf8)), .hang,
        ])
        let (client, _) = scriptedClient(scripts: [script], retry: .none, timeouts: timeouts)
        let (events, error) = await collect(client.streamChat(chatRequest))
        #expect(events.text == "Hel")
        #expect(error?.code == .idleTimeout)
    }

    @Test func totalTimeoutFires() async {
        var steps: [ScriptedTransport.Step] = [.connect, .head(status: 200, headers: ["Content-Type": "text/event-stream"])]
        for _ in 0..<40 { steps += [.body(Array(openAIStream[1].utf8)), .pause(.milliseconds(20))] }
        let timeouts = ProviderTimeouts(connect: .seconds(1), headers: .seconds(1), idle: .seconds(1), total: .milliseconds(200))
        let (client, _) = scriptedClient(scripts: [ScriptedTransport.Script(steps)], retry: .none, timeouts: timeouts)
        #expect(await collect(client.streamChat(chatRequest)).error?.code == .totalTimeout)
    }

    @Test func headersTimeoutIsRetried() async {
        let sleeper = VirtualSleeper()
        let (client, transport) = scriptedClient(scripts: [ScriptedTransport.Script([.connect, .hang]), .sse(openAIStream)], timeouts: short, sleeper: sleeper)
        let (events, error) = await collect(client.streamChat(chatRequest))
        #expect(error == nil && events.text == "Hello")
        #expect(transport.requests.count == 2)
    }

    @Test func cancellingTheConsumerClosesTheExchange() async throws {
        let script = ScriptedTransport.Script([
            .connect, .head(status: 200, headers: ["Content-Type": "text/event-stream"]), .body(Array(openAIStream[1].utf8)), .hang,
        ])
        let (client, transport) = scriptedClient(scripts: [script])
        let task = Task {
            var completed = false
            for try await event in client.streamChat(chatRequest) {
                if case .completed = event { completed = true }
            }
            return completed
        }
        while transport.requests.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        let outcome = await task.result
        // A cancelled consumer sees the iteration end (or a cancellation error), never a completion.
        if case .success(let completed) = outcome { #expect(!completed) }
        for _ in 0..<200 where transport.cancelledCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(transport.cancelledCount == 1)
    }

    @Test func droppingTheIteratorClosesTheExchange() async throws {
        let script = ScriptedTransport.Script([
            .connect, .head(status: 200, headers: ["Content-Type": "text/event-stream"]), .body(Array(openAIStream[1].utf8)), .hang,
        ])
        let (client, transport) = scriptedClient(scripts: [script])
        do {
            for try await event in client.streamChat(chatRequest) {
                if case .delta = event { break }
            }
        }
        for _ in 0..<200 where transport.cancelledCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(transport.cancelledCount == 1)
    }
}

@Suite("Response fuzzing") struct ResponseFuzzTests {
    @Test func randomBodiesNeverCrash() async {
        var rng = SeededGenerator(seed: 42)
        let pieces = ["data: ", "{", "}", "\"choices\"", ":", "[", "]", "\"delta\"", "\"content\"", "\"x\"", "\n", "\n\n", "\r", "[DONE]",
                      "\"error\"", "null", "\"done\"", "true", ",", "event: error\n", "\u{FF}"]
        for iteration in 0..<150 {
            let body = (0..<Int.random(in: 0...60, using: &rng)).map { _ in pieces.randomElement(using: &rng) ?? "" }.joined()
            let kind: ProviderKind = iteration % 2 == 0 ? .openaiCompatible : .ollama
            let type = iteration % 3 == 0 ? "application/json" : (kind == .ollama ? "application/x-ndjson" : "text/event-stream")
            let (client, _) = scriptedClient(kind, scripts: [.response(status: 200, headers: ["Content-Type": type], body: body)], retry: .none)
            let (_, error) = await collect(client.streamChat(chatRequest))
            if let error { #expect(error.code != .unknown, "iteration \(iteration): \(error)") }
        }
    }
}

/// SplitMix64, for reproducible fuzzing.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
