/// The `http://` transport on HTTPWire's raw HTTP/1.1 client.
///
/// Placeholder until HTTPWire's `RawHTTPClient` lands: forwards to ``URLSessionTransport``.
public struct RawSocketTransport: HTTPTransport {
    public static let shared = RawSocketTransport()
    public init() {}
    public var reportsConnectEvents: Bool { false }
    public func execute(_ request: TransportRequest) -> AsyncThrowingStream<TransportEvent, any Error> {
        URLSessionTransport.shared.execute(request)
    }
}
