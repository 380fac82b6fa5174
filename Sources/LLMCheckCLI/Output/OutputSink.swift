import Foundation

/// Where a command writes: results to standard output, diagnostics to standard error.
///
/// Commands never call `print`; tests capture a sink instead.
public final class OutputSink: @unchecked Sendable {
    // @unchecked: all mutable state is guarded by `lock`.
    private let lock = NSLock()
    private let writeOut: @Sendable (String) -> Void
    private let writeErr: @Sendable (String) -> Void
    /// Whether standard output is a terminal (colour and progress lines only then).
    public let isTerminal: Bool
    /// Whether standard error is a terminal.
    public let isErrorTerminal: Bool

    public init(
        isTerminal: Bool,
        isErrorTerminal: Bool,
        writeOut: @escaping @Sendable (String) -> Void,
        writeErr: @escaping @Sendable (String) -> Void
    ) {
        self.isTerminal = isTerminal
        self.isErrorTerminal = isErrorTerminal
        self.writeOut = writeOut
        self.writeErr = writeErr
    }

    /// The process's real standard output and error.
    public static func standard() -> OutputSink {
        OutputSink(
            isTerminal: Terminal.isTerminal(fileDescriptor: 1),
            isErrorTerminal: Terminal.isTerminal(fileDescriptor: 2),
            writeOut: { FileHandle.standardOutput.write(Data($0.utf8)) },
            writeErr: { FileHandle.standardError.write(Data($0.utf8)) }
        )
    }

    /// A sink that records everything, for tests.
    public static func capturing() -> (OutputSink, CapturedOutput) {
        let captured = CapturedOutput()
        let sink = OutputSink(
            isTerminal: false,
            isErrorTerminal: false,
            writeOut: { captured.appendOut($0) },
            writeErr: { captured.appendErr($0) }
        )
        return (sink, captured)
    }

    /// Writes a line (a newline is appended) to standard output.
    public func line(_ text: String = "") {
        lock.withLock { writeOut(text + "\n") }
    }

    /// Writes text as is to standard output.
    public func write(_ text: String) {
        lock.withLock { writeOut(text) }
    }

    /// Writes a line to standard error.
    public func error(_ text: String) {
        lock.withLock { writeErr(text + "\n") }
    }

    /// Writes text as is to standard error (progress lines use `\r`).
    public func writeError(_ text: String) {
        lock.withLock { writeErr(text) }
    }
}

/// Everything a capturing ``OutputSink`` received.
public final class CapturedOutput: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var out = ""
    private var err = ""

    public init() {}

    func appendOut(_ s: String) { lock.withLock { out += s } }
    func appendErr(_ s: String) { lock.withLock { err += s } }

    public var standardOutput: String { lock.withLock { out } }
    public var standardError: String { lock.withLock { err } }
}
