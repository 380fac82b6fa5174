import HTTPWire
import Testing
import TestSupport

@Suite("RawHTTPClient", .timeLimit(.minutes(1)))
struct RawHTTPClientTests {
    @Test func collectsContentLengthResponse() async throws {
        try await withHTTPServer(handler: { request, writer in
            try writer.respond(status: .ok, text: "hello \(request.body.count)")
        }) { server in
            let request = try #require(HTTPClientRequest(url: server.baseURL + "/x", method: .post, body: Array("abc".utf8)))
            let response = try await RawHTTPClient().send(request)
            #expect(response.status.code == 200)
            #expect(response.text == "hello 3")
            let timeline = response.timeline
            #expect(timeline.connectAttempts.count == 1)
            #expect(timeline.connectAttempts.first?.outcome == .success)
            let written = try #require(timeline.requestWritten)
            let head = try #require(timeline.headersReceived)
            #expect(written <= head)
            #expect(timeline.bodyByteCount == 7)
        }
    }

    @Test func streamsEveryChunkAsItsOwnEvent() async throws {
        try await withHTTPServer(handler: { _, writer in
            try writer.writeHead(HTTPResponseHead(status: .ok, headers: ["Content-Type": "application/x-ndjson"]))
            for index in 0..<5 {
                try writer.writeBody(Array("{\"i\":\(index)}\n".utf8))
                try writer.pause(for: .milliseconds(20))
            }
            try writer.finish()
        }) { server in
            let request = try #require(HTTPClientRequest(url: server.baseURL + "/stream"))
            var pieces: [[UInt8]] = []
            var ended = false
            for try await event in RawHTTPClient().stream(request) {
                if case .body(let bytes, _) = event { pieces.append(bytes) }
                if case .end(let timeline) = event {
                    ended = true
                    #expect(timeline.bodyPieces.count == 5)
                }
            }
            #expect(ended)
            #expect(pieces.map { String(decoding: $0, as: UTF8.self) } == (0..<5).map { "{\"i\":\($0)}\n" })
        }
    }

    @Test func sendsHostAndContentLength() async throws {
        let recorder = RequestRecorder()
        try await withHTTPServer(handler: recorder.recording { _, writer in try writer.respond(status: .noContent) }) { server in
            let request = HTTPClientRequest(method: .post, host: "127.0.0.1", port: server.port, target: "/v1/chat/completions")
            let response = try await RawHTTPClient().send(request)
            #expect(response.status.code == 204)
            #expect(await recorder.waitForCount(1))
            let seen = try #require(recorder.requests.first)
            #expect(seen.headers["Host"] == "127.0.0.1:\(server.port)")
            #expect(seen.headers["Content-Length"] == "0")
            #expect(seen.head.target == "/v1/chat/completions")
        }
    }

    @Test func refusedConnectionIsClassified() async throws {
        // A port that nobody listens on and no parallel test can take (a stopped server's port
        // can be handed to the next server started).
        let reserved = try ReservedPort()
        defer { reserved.release() }
        let request = HTTPClientRequest(host: "127.0.0.1", port: reserved.port)
        let error = try await #require(throws: HTTPClientError.self) { try await RawHTTPClient().send(request) }
        #expect(error.code == .connectionRefused)
        #expect(error.timeline.connectAttempts.count == 1)
        #expect(error.timeline.connectAttempts.first?.outcome == .failure(.connectionRefused, errno: Syscalls.connectionRefusedErrno))
    }
}
