#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
import Darwin
#else
#error("Unsupported platform")
#endif

/// Thin, EINTR-safe wrappers over the C calls llmcheck uses. This is the only file (with its
/// per-OS companions) that imports libc.
public enum Syscalls {
    /// `clock_gettime(CLOCK_MONOTONIC)` in nanoseconds.
    public static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}

extension Syscalls {
    /// `isatty(3)`.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// `exit(3)`.
    public static func exitProcess(_ code: Int32) -> Never { exit(code) }
}

extension Syscalls {
    /// Ignores `SIGPIPE` process-wide, so a write to a closed socket or pipe returns `EPIPE`
    /// instead of killing the process (exit 141).
    public static func ignoreBrokenPipeSignal() { signal(SIGPIPE, SIG_IGN) }
}
