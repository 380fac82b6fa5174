#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
import Darwin
#else
#error("Unsupported platform")
#endif

// Additions for `llmcheck serve` / `record` (mock-servers engineer): termination signals.
extension Syscalls {
    /// The signal numbers of `SIGINT` and `SIGTERM`, for `DispatchSource.makeSignalSource`.
    public static var terminationSignals: [Int32] { [SIGINT, SIGTERM] }

    /// Sets `SIGINT` and `SIGTERM` to be ignored, so a dispatch signal source can observe them
    /// instead of the default action killing the process. The corresponding C call is `signal`.
    public static func ignoreTerminationSignals() {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
    }
}

extension Syscalls {
    /// Gives `SIGINT` and `SIGTERM` back their default action (end the process), undoing
    /// ``ignoreTerminationSignals()`` once nobody observes them any more. The C call is `signal`.
    public static func restoreTerminationSignals() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    /// The conventional name of a termination signal (`SIGINT`, `SIGTERM`), or `signal N`.
    public static func signalName(_ number: Int32) -> String {
        switch number {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        case SIGQUIT: "SIGQUIT"
        default: "signal \(number)"
        }
    }
}
