import HTTPWire
import MockProviders
import TestSupport
import Testing

/// `/__llmcheck/` obeys only its owner: token, JSON body type, local Host, no foreign Origin.
@Suite("Control endpoint access", .timeLimit(.minutes(1)))
struct ControlAccessTests {
    static let fault = #"{"status":503,"times":1}"#

    @Test func aChangeWithTokenAndJSONIsAccepted() async throws {
        try await withMock(.openai) { server in
            let (added, body) = try await jsonResponse(server, "POST", "/__llmcheck/faults", json: Self.fault, headers: controlHeaders(server))
            #expect(added.status == 201)
            #expect(body["ids"]?.arrayValue?.count == 1)
            #expect(server.faults.count == 1)
            let removed = try await response(server, "DELETE", "/__llmcheck/faults", headers: controlHeaders(server) + jsonContentType)
            #expect(removed.status == 200)
            #expect(server.faults.isEmpty)
        }
    }

    @Test func aChangeWithoutTokenIsRefused() async throws {
        try await withMock(.openai, configure: { $0.apiKey = "sk-provider-key-000000000001" }) { server in
            // The provider key is not the control token.
            let (r, body) = try await jsonResponse(server, "POST", "/__llmcheck/faults", json: Self.fault, headers: [("Authorization", "Bearer sk-provider-key-000000000001")])
            #expect(r.status == 401)
            #expect(body["code"]?.stringValue == "control_token_missing")
            #expect(server.faults.isEmpty)
            let reset = try await response(server, "POST", "/__llmcheck/reset", headers: jsonContentType)
            #expect(reset.status == 401)
            let delete = try await response(server, "DELETE", "/__llmcheck/faults/1", headers: jsonContentType)
            #expect(delete.status == 401)
        }
    }

    @Test func aWrongTokenIsRefused() async throws {
        try await withMock(.ollama, configure: { $0.controlToken = "right-token-123" }) { server in
            let (r, body) = try await jsonResponse(server, "POST", "/__llmcheck/faults", json: Self.fault, headers: [(MockConfiguration.controlTokenHeader, "right-token-124")])
            #expect(r.status == 401)
            #expect(body["code"]?.stringValue == "control_token_wrong")
            #expect(server.faults.isEmpty)
        }
    }

    @Test func aChangeWithoutJSONContentTypeIsRefused() async throws {
        try await withMock(.ollama) { server in
            // What a cross-site form or fetch without preflight can send: text/plain.
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                let body = "status=503,times=1"
                let raw = "POST /__llmcheck/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "\(MockConfiguration.controlTokenHeader): \(server.configuration.controlToken)\r\n"
                    + "Content-Type: \(type)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
                let connection = try await RawTestConnection.connect(port: server.port)
                try await connection.send(raw)
                let r = try RawHTTPResponse.parse(await connection.readUntilClose().bytes)
                #expect(r.status == 415, "\(type)")
                #expect((try? JSONValue.parse(r.body))?["code"]?.stringValue == "control_content_type_not_json")
            }
            let none = try await response(server, "POST", "/__llmcheck/reset", headers: controlHeaders(server))
            #expect(none.status == 415)
            #expect(server.faults.isEmpty)
        }
    }

    @Test func aForeignHostIsRefusedEvenWithTheToken() async throws {
        try await withMock(.openai) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            let body = Self.fault
            try await connection.send(
                "POST /__llmcheck/faults HTTP/1.1\r\nHost: evil.example:\(server.port)\r\nConnection: close\r\n"
                    + "\(MockConfiguration.controlTokenHeader): \(server.configuration.controlToken)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            let r = try RawHTTPResponse.parse(await connection.readUntilClose().bytes)
            #expect(r.status == 403)
            #expect((try? JSONValue.parse(r.body))?["code"]?.stringValue == "control_host_not_allowed")
            #expect(server.faults.isEmpty)
            // Reading the journal from a rebinding page is refused too.
            let read = try await RawTestConnection.connect(port: server.port)
            try await read.send("GET /__llmcheck/journal HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
            #expect(try RawHTTPResponse.parse(await read.readUntilClose().bytes).status == 403)
        }
    }

    @Test func theHostCheckCanBeTurnedOff() async throws {
        try await withMock(.openai, configure: { $0.checksHost = false }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send("GET /__llmcheck/faults HTTP/1.1\r\nHost: mock-service:8080\r\nConnection: close\r\n\r\n")
            #expect(try RawHTTPResponse.parse(await connection.readUntilClose().bytes).status == 200)
        }
    }

    @Test(arguments: ["https://evil.example", "null", "http://localhost:3000"])
    func aForeignOriginIsRefused(origin: String) async throws {
        try await withMock(.ollama) { server in
            let (r, body) = try await jsonResponse(server, "POST", "/__llmcheck/faults", json: Self.fault, headers: controlHeaders(server) + [("Origin", origin)])
            #expect(r.status == 403)
            #expect(body["code"]?.stringValue == "control_foreign_origin")
            #expect(server.faults.isEmpty)
            let read = try await response(server, "GET", "/__llmcheck/journal", headers: [("Origin", origin)])
            #expect(read.status == 403)
            let preflight = try await response(server, "OPTIONS", "/__llmcheck/faults", headers: [("Origin", origin), ("Access-Control-Request-Method", "POST")])
            #expect(preflight.headers["Access-Control-Allow-Origin"] == nil)
        }
    }

    @Test func theMocksOwnOriginIsAccepted() async throws {
        try await withMock(.ollama) { server in
            let (r, _) = try await jsonResponse(server, "POST", "/__llmcheck/faults", json: Self.fault, headers: controlHeaders(server) + [("Origin", "http://127.0.0.1")])
            #expect(r.status == 201)
        }
    }

    @Test func healthStaysOpenAndItsSeedIsANumber() async throws {
        try await withMock(.lmstudio, configure: { $0.seed = 12345 }) { server in
            let connection = try await RawTestConnection.connect(port: server.port)
            try await connection.send("GET /__llmcheck/health HTTP/1.1\r\nHost: evil.example\r\nOrigin: https://evil.example\r\nConnection: close\r\n\r\n")
            let r = try RawHTTPResponse.parse(await connection.readUntilClose().bytes)
            #expect(r.status == 200)
            let health = try JSONValue.parse(r.body)
            #expect(health["seed"] == .integer(12345))
            let (_, faults) = try await jsonResponse(server, "GET", "/__llmcheck/faults")
            #expect(faults["seed"] == .integer(12345))
        }
    }

    @Test func theControlPrefixWithoutSlashDoesNotConsumeAFault() async throws {
        try await withMock(.openai, configure: { $0.faults = [try FaultSpec.parse("status=503,times=1")] }) { server in
            let bare = try await response(server, "GET", "/__llmcheck")
            #expect(bare.status == 404)
            #expect(String(decoding: bare.body, as: UTF8.self).contains("unknown control endpoint"))
            #expect(server.journal().isEmpty)
            #expect(server.faults.first?.applied == 0)
            let provider = try await response(server, "GET", "/v1/models")
            #expect(provider.status == 503)
        }
    }
}
