/// A process exit status. Values follow sysexits where one fits; every command documents its own.
public struct ExitCode: RawRepresentable, Hashable, Sendable, Error, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    /// Everything worked / all checks passed.
    public static let success = ExitCode(0)
    /// The job ran and found failures (failed scenarios, problems diagnosed).
    public static let failure = ExitCode(1)
    /// A regression against a baseline (`run --baseline`).
    public static let regression = ExitCode(2)
    /// Bad command line, scenario file, fixture or fault specification (`EX_USAGE`).
    public static let usage = ExitCode(64)
    /// Input data is invalid (`EX_DATAERR`).
    public static let dataError = ExitCode(65)
    /// The provider could not be reached at all (`EX_UNAVAILABLE`).
    public static let unavailable = ExitCode(69)
    /// An internal error (`EX_SOFTWARE`).
    public static let software = ExitCode(70)
    /// A file could not be written (`EX_CANTCREAT`).
    public static let cannotCreate = ExitCode(73)
    /// An I/O error (`EX_IOERR`).
    public static let ioError = ExitCode(74)
    /// Stopped by Ctrl-C (`SIGINT`): 128 + 2, as shells report it.
    public static let interrupted = ExitCode(130)
    /// Standard output's reader went away (`EPIPE`, as in `| head`): 128 + `SIGPIPE` (13), what a shell
    /// reports for a program killed by a closed pipe. Nothing further is written.
    public static let brokenPipe = ExitCode(141)
    /// Stopped by `SIGTERM`: 128 + 15.
    public static let terminated = ExitCode(143)

    /// The status for a process stopped by `signal`: 128 + its number.
    public static func stopped(by signal: Int32) -> ExitCode { ExitCode(128 + signal) }

    public var description: String { String(rawValue) }
}
