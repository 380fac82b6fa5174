import HTTPWire

/// Records every request an ``HTTPServer`` handler sees, for assertions in client tests.
///
/// ```swift
/// let recorder = RequestRecorder()
/// try await withHTTPServer(handler: recorder.recording { request, writer in
///     try writer.respond(status: .ok, text: "hi")
/// }) { server in
///     …
///     #expect(recorder.requests.first?.headers["Authorization"] == "Bearer sk-test")
/// }
/// ```
public final class RequestRecorder: Sendable {
    private let storage = LockedValue<[HTTPRequest]>([])

    public init() {}

    /// Wraps `handler` so each request is recorded before it runs.
    public func recording(_ handler: @escaping HTTPHandler) -> HTTPHandler {
        { [storage] request, writer in
            storage.withLock { $0.append(request) }
            try handler(request, writer)
        }
    }

    /// Every request so far, in arrival order.
    public var requests: [HTTPRequest] { storage.current }

    /// Waits until at least `count` requests arrived (or `timeout` passes); returns whether they did.
    public func waitForCount(_ count: Int, timeout: Duration = .seconds(5)) async -> Bool {
        await eventually(timeout: timeout) { self.storage.withLock { $0.count >= count } }
    }
}
