import HTTPWire
@testable import MockProviders
import Testing

/// An in-memory downstream for the fault injector: records what would go on the wire.
final class MemoryResponseWriter: HTTPResponseWriter {
    var requestHead = HTTPRequestHead(method: .post, target: "/v1/chat/completions")
    private(set) var isHeadWritten = false
    private(set) var head: HTTPResponseHead?
    private(set) var bodyWrites: [[UInt8]] = []
    private(set) var raw: [UInt8] = []
    private(set) var isFinished = false
    private(set) var closed = false
    private(set) var wasReset = false
    private(set) var paused: Duration = .zero

    func writeHead(_ head: HTTPResponseHead) throws {
        self.head = head
        isHeadWritten = true
    }
    func writeBody(_ bytes: [UInt8]) throws { bodyWrites.append(bytes) }
    func finish() throws { isFinished = true }
    func writeRaw(_ bytes: [UInt8]) throws {
        isHeadWritten = true
        raw += bytes
    }
    func close() { closed = true }
    func reset() { wasReset = true }
    func pause(for duration: Duration) throws { paused += duration }
    func waitForPeerClose(timeout: Duration?) -> Bool { false }
}

@Suite("The fault table")
struct FaultTableTests {
    @Test(arguments: FaultKind.allCases)
    func everyKindHasHelpAnExampleAndAnEffect(_ kind: FaultKind) throws {
        let row = kind.row
        #expect(FaultSpec.helpText.contains(row.usage))
        let example = String(row.example.split(separator: "\n")[0].split(separator: " ")[0])
        let spec = try FaultSpec.parse(example)
        #expect(spec.action.kind == kind)
        #expect(spec.action.effect == row.effect)
        #expect(try FaultSpec.parse(spec.description) == spec)
        #expect(try FaultSpec.parse(json: spec.jsonValue) == spec)
    }

    @Test func parametersOfOneKindAreRefusedOnAnother() throws {
        for kind in FaultKind.allCases {
            for parameter in FaultParameter.allCases where !kind.row.parameters.contains(parameter) {
                let example = String(kind.row.example.split(separator: "\n")[0].split(separator: " ")[0].split(separator: ",")[0])
                let error = #expect(throws: FaultSpecError.self) { try FaultSpec.parse("\(example),\(parameter.rawValue)=1") }
                #expect(error?.code == .misplacedParameter || error?.code == .duplicateKey, "\(kind) \(parameter)")
            }
        }
    }

    @Test func theInjectorRelaysAnyEventSource() throws {
        let downstream = MemoryResponseWriter()
        let injector = FaultInjector(base: downstream, faults: [try FaultSpec.parse("close=after:2")], arrivedAt: .now())
        var events = [Array("data: 1\n\n".utf8), Array("data: 2\n\n".utf8), Array("data: 3\n\n".utf8)][...]
        let head = HTTPResponseHead(status: .ok, headers: ["Content-Type": "text/event-stream"])
        #expect(throws: ExchangeEnded.self) { try injector.relay(head: head, nextEvent: { events.popFirst() }) }
        #expect(downstream.bodyWrites.count == 2)
        #expect(downstream.closed)
        #expect(injector.measurement.chunksSent == 2)
    }

    @Test func aStreamErrorTakesTheFramingOfTheRelayedStream() throws {
        let downstream = MemoryResponseWriter()
        let injector = FaultInjector(
            base: downstream, faults: [try FaultSpec.parse("stream_error=after:1,message=boom")], arrivedAt: .now())
        var events = [Array("{\"a\":1}\n".utf8), Array("{\"a\":2}\n".utf8)][...]
        let head = HTTPResponseHead(status: .ok, headers: ["Content-Type": "application/x-ndjson"])
        #expect(throws: ExchangeEnded.self) { try injector.relay(head: head, nextEvent: { events.popFirst() }) }
        #expect(downstream.bodyWrites.map { String(decoding: $0, as: UTF8.self) } == ["{\"a\":1}\n", "{\"error\":\"boom\"}\n"])
    }

    static let streams: [(StreamEventSplitter.Framing, String, [String])] = [
        (.sse, "data: a\n\ndata: b\nid: 2\n\n: c\n\ndata: [DONE]\n\n", ["data: a\n\n", "data: b\nid: 2\n\n", ": c\n\n", "data: [DONE]\n\n"]),
        (.sse, "data: a\r\n\r\ndata: b\r\n\r\n", ["data: a\r\n\r\n", "data: b\r\n\r\n"]),
        (.ndjson, "{\"a\":1}\n{\"b\":2}\n\n{\"c\":3}\n", ["{\"a\":1}\n", "{\"b\":2}\n", "\n", "{\"c\":3}\n"]),
    ]

    @Test(arguments: 0..<3)
    func eventsSplitTheSameAtEveryChunkBoundary(_ index: Int) {
        let (framing, text, expected) = Self.streams[index]
        let bytes = Array(text.utf8)
        for cut in 0...bytes.count {
            for cut2 in cut...bytes.count where cut2 == cut || cut2 == bytes.count || cut2 == cut + 1 {
                var splitter = StreamEventSplitter(framing: framing)
                var events: [String] = []
                for piece in [bytes[..<cut], bytes[cut..<cut2], bytes[cut2...]] {
                    splitter.append(piece)
                    while let event = splitter.nextEvent() { events.append(String(decoding: event, as: UTF8.self)) }
                }
                #expect(splitter.remainder() == nil)
                #expect(events == expected, "cut at \(cut), \(cut2)")
            }
        }
    }

    @Test func framingFollowsTheMediaType() {
        #expect(StreamEventSplitter.Framing(contentType: "Text/Event-Stream; charset=utf-8") == .sse)
        #expect(StreamEventSplitter.Framing(contentType: "application/x-ndjson") == .ndjson)
        #expect(StreamEventSplitter.Framing(contentType: "application/json") == .plain)
        #expect(StreamEventSplitter.Framing(contentType: nil) == .plain)
    }
}

@Suite("Where faults act", .timeLimit(.minutes(1)))
struct FaultPlacementTests {
    @Test(arguments: FaultKind.allCases)
    func everyExampleActsAtItsRowsPoint(_ kind: FaultKind) throws {
        let example = String(kind.row.example.split(separator: "\n")[0].split(separator: " ")[0])
        let placement = try FaultSpec.parse(example).action.placement
        #expect(placement.point == kind.row.placement, "\(example) acts at \(placement)")
    }

    @Test func theChunkNumberComesFromTheActionsOwnParameter() throws {
        func placement(_ text: String) throws -> FaultPlacement { try FaultSpec.parse(text).action.placement }
        #expect(try placement("rst") == .beforeHead, "a bare rst fires before the head")
        #expect(try placement("rst=headers") == .beforeHead)
        #expect(try placement("rst=after:2") == .afterChunks(2))
        #expect(try placement("stall=after:3,for:5s") == .afterChunks(3))
        #expect(try placement("bad_chunked=after:0") == .afterChunks(0))
        #expect(try placement("stream_error=after:5") == .afterChunks(5))
        #expect(try placement("malformed=chunk:4") == .onChunk(4))
        #expect(try placement("malformed") == .onChunk(1))
        #expect(try placement("status=429") == .insteadOfAnswer)
        #expect(try placement("drip=200") == .everyWrite)
        #expect(try placement("content_type=none") == .onHead)
        #expect(try placement("length_mismatch=-5") == .onHead)
        #expect(try placement("delay_headers=1s") == .beforeHead)
        #expect(try placement("delay_body=1s") == .beforeBody)
    }
}

extension FaultPlacement {
    /// The point without its chunk number, to compare with a ``FaultKind`` row.
    fileprivate var point: Point {
        switch self {
        case .insteadOfAnswer: .insteadOfAnswer
        case .beforeHead: .beforeHead
        case .onHead: .onHead
        case .beforeBody: .beforeBody
        case .afterChunks: .afterChunks
        case .onChunk: .onChunk
        case .everyWrite: .everyWrite
        }
    }
}
