/// A failed socket call: which syscall, the `errno` it returned and a stable classification.
///
/// ```swift
/// do { try socket.connect(to: address, timeout: .seconds(2)) }
/// catch let error as SocketError where error.code == .connectionRefused { … }
/// ```
public struct SocketError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A payload-free classification of the failure, stable across platforms.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case connectionRefused
        case connectionReset
        case timedOut
        case hostUnreachable
        case networkUnreachable
        case addressInUse
        case addressNotAvailable
        case brokenPipe
        case nameResolutionFailed
        case permissionDenied
        case other
    }

    /// The classification of ``errno``.
    public var code: Code
    /// The raw `errno` value (for ``Code/nameResolutionFailed``, the `getaddrinfo` `EAI_*` code).
    public var errno: Int32
    /// The C call that failed, such as `connect` or `getaddrinfo`.
    public var syscall: String
    /// The system's text for the error (`strerror` / `gai_strerror`).
    public var message: String
    /// The address or host involved, when known (`127.0.0.1:11434`, `localhost`).
    public var address: String?

    public init(code: Code, errno: Int32, syscall: String, message: String, address: String? = nil) {
        self.code = code
        self.errno = errno
        self.syscall = syscall
        self.message = message
        self.address = address
    }

    /// Builds an error from an `errno` value, classifying it and looking up its text.
    public init(errno: Int32, syscall: String, address: String? = nil) {
        self.init(
            code: Syscalls.classify(errno: errno),
            errno: errno,
            syscall: syscall,
            message: Syscalls.errorText(errno: errno),
            address: address
        )
    }

    /// The same error with ``address`` set.
    public func with(address: String?) -> SocketError {
        var copy = self
        copy.address = address
        return copy
    }

    public var description: String {
        var text = "\(syscall) failed: \(message) (\(code.rawValue), errno \(errno))"
        if let address { text += " [\(address)]" }
        return text
    }
}
