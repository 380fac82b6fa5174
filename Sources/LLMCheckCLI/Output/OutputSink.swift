import Foundation
import HTTPWire

/// Where a command writes: results to standard output, diagnostics to standard error.
///
/// Commands never call `print`; tests capture a sink instead. A stream whose reader went away
/// (`llmcheck run --list | head -3`) is not an error: writes stop quietly (after standard output closed,
/// on both streams), the command is cancelled and ``LLMCheckCLI/run(arguments:context:)`` exits with
/// ``ExitCode/brokenPipe``.
public final class OutputSink: Sendable {
    /// One of the two streams.
    public enum Stream: Sendable { case output, error }

    private struct State {
        var colorMode = ColorMode.auto
        var outputClosed = false
        var errorClosed = false
        var onOutputClosed: [@Sendable () -> Void] = []
    }

    private let state = LockedValue(State())
    /// Serializes whole writes, so lines from concurrent tasks never interleave.
    private let writeLock = Lock()
    private let writer: @Sendable (Stream, String) -> Bool
    private let environment: [String: String]
    /// Whether standard output is a terminal.
    public let isTerminal: Bool
    /// Whether standard error is a terminal.
    public let isErrorTerminal: Bool

    /// A sink over `writer`, which returns false once its stream is closed (e.g. `EPIPE`).
    ///
    /// - Parameter environment: Read for `NO_COLOR` and `TERM` (see ``ColorMode``).
    public init(
        isTerminal: Bool, isErrorTerminal: Bool, environment: [String: String] = [:],
        writer: @escaping @Sendable (Stream, String) -> Bool
    ) {
        self.isTerminal = isTerminal
        self.isErrorTerminal = isErrorTerminal
        self.environment = environment
        self.writer = writer
    }

    /// A sink over two writers that never fail.
    public convenience init(
        isTerminal: Bool,
        isErrorTerminal: Bool,
        writeOut: @escaping @Sendable (String) -> Void,
        writeErr: @escaping @Sendable (String) -> Void
    ) {
        self.init(isTerminal: isTerminal, isErrorTerminal: isErrorTerminal) { stream, text in
            switch stream {
            case .output: writeOut(text)
            case .error: writeErr(text)
            }
            return true
        }
    }

    /// The process's real standard output and error.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> OutputSink {
        let out = StandardStreamWriter(fileDescriptor: 1)
        let err = StandardStreamWriter(fileDescriptor: 2)
        return OutputSink(
            isTerminal: Terminal.isTerminal(fileDescriptor: 1),
            isErrorTerminal: Terminal.isTerminal(fileDescriptor: 2),
            environment: environment
        ) { stream, text in
            stream == .output ? out.write(text) : err.write(text)
        }
    }

    /// A sink that records everything, for tests.
    ///
    /// - Parameters:
    ///   - terminal: Whether both streams pretend to be terminals.
    ///   - environment: Read for `NO_COLOR` and `TERM`.
    public static func capturing(terminal: Bool = false, environment: [String: String] = [:]) -> (OutputSink, CapturedOutput) {
        let captured = CapturedOutput()
        let sink = OutputSink(isTerminal: terminal, isErrorTerminal: terminal, environment: environment) { stream, text in
            stream == .output ? captured.appendOut(text) : captured.appendErr(text)
            return true
        }
        return (sink, captured)
    }

    // MARK: - Settings

    /// `--color`: when output is coloured. Default ``ColorMode/auto``.
    public var colorMode: ColorMode {
        get { state.withLock { $0.colorMode } }
        set { state.withLock { $0.colorMode = newValue } }
    }

    /// Whether text on standard output may carry ANSI colour.
    public var usesColor: Bool { colorMode.usesColor(isTerminal: isTerminal, environment: environment) }

    /// Whether text on standard error may carry ANSI colour.
    public var usesErrorColor: Bool { colorMode.usesColor(isTerminal: isErrorTerminal, environment: environment) }

    /// Whether standard error can show a live progress line rewritten in place (a terminal that is not `dumb`).
    public var showsLiveProgress: Bool { isErrorTerminal && ColorMode.terminalAcceptsEscapes(environment) }

    /// Whether standard output's reader went away (`EPIPE`); later writes to it are dropped.
    public var standardOutputClosed: Bool { state.withLock { $0.outputClosed } }

    /// Runs `action` once when standard output's reader goes away (at once if it already has): the CLI
    /// cancels the command, so `llmcheck chat … | head -2` stops streaming instead of finishing unseen.
    public func whenStandardOutputCloses(_ action: @escaping @Sendable () -> Void) {
        let closed = state.withLock { state -> Bool in
            if !state.outputClosed { state.onOutputClosed.append(action) }
            return state.outputClosed
        }
        if closed { action() }
    }

    // MARK: - Writing

    /// Writes a line (a newline is appended) to standard output.
    public func line(_ text: String = "") { send(.output, text + "\n") }

    /// Writes text as is to standard output.
    public func write(_ text: String) { send(.output, text) }

    /// Writes a line to standard error.
    public func error(_ text: String) { send(.error, text + "\n") }

    /// Writes text as is to standard error (progress lines use `\r`).
    public func writeError(_ text: String) { send(.error, text) }

    private func send(_ stream: Stream, _ text: String) {
        let actions = writeLock.withLock { () -> [@Sendable () -> Void] in
            // Once standard output is gone the command is being cancelled: nothing more is said anywhere,
            // as with a program ended by SIGPIPE (no "error: stream ended" after `| head`).
            let closed = state.withLock { $0.outputClosed || (stream == .error && $0.errorClosed) }
            guard !closed, !writer(stream, text) else { return [] }
            return state.withLock { state in
                guard stream == .output else {
                    state.errorClosed = true
                    return []
                }
                state.outputClosed = true
                defer { state.onOutputClosed = [] }
                return state.onOutputClosed
            }
        }
        // Outside the locks: an action may cancel tasks whose handlers write.
        for action in actions { action() }
    }
}

/// Everything a capturing ``OutputSink`` received.
public final class CapturedOutput: Sendable {
    private let text = LockedValue((out: "", err: ""))

    public init() {}

    func appendOut(_ s: String) { text.withLock { $0.out += s } }
    func appendErr(_ s: String) { text.withLock { $0.err += s } }

    public var standardOutput: String { text.withLock { $0.out } }
    public var standardError: String { text.withLock { $0.err } }
}
