import Foundation
import HTTPWire

/// A real TLS server on 127.0.0.1 whose certificate nobody trusts: `openssl s_server -www` with a
/// fresh self-signed certificate.
///
/// The certificate (EC P-256, valid two days) names `127.0.0.1` and `localhost` in its
/// subjectAltName, so a client that rejects it can only do so for trust, not for a name
/// mismatch. The server binds port 0 itself and prints `ACCEPT 127.0.0.1:<port>` once it
/// listens, so there is no port to guess or race for. Start it with
/// ``withSelfSignedTLSServer(_:)``, which always stops it.
///
/// - Important: Needs the `openssl` command (OpenSSL 1.1.1 or later; Debian package `openssl`).
///   Without it ``start(timeout:)`` throws ``RequiredToolMissing``, so the test fails loudly
///   instead of skipping.
public final class SelfSignedTLSServer: Sendable {
    /// The port `s_server` listens on (127.0.0.1).
    public let port: UInt16
    /// PEM file of the self-signed certificate (also usable as a CA bundle that trusts it).
    public let certificatePath: String
    /// PEM file of the private key.
    public let keyPath: String
    /// The running `openssl s_server`.
    public let process: ChildProcess
    private let directory: TemporaryDirectory

    /// `https://127.0.0.1:<port>`.
    public var url: String { "https://127.0.0.1:\(port)" }

    /// What `s_server` printed so far (accepted connections, handshake errors).
    public var log: String { process.output }

    private init(port: UInt16, directory: TemporaryDirectory, process: ChildProcess) {
        self.port = port
        self.directory = directory
        self.process = process
        certificatePath = directory.file("cert.pem")
        keyPath = directory.file("key.pem")
    }

    /// Generates a certificate and starts `openssl s_server` on 127.0.0.1, port 0.
    ///
    /// - Parameter timeout: Bound for each step (key generation, server start). Default 15 s.
    /// - Throws: ``RequiredToolMissing`` without `openssl`; ``ChildProcessError`` (with the
    ///   tool's output) if a step fails or times out.
    public static func start(timeout: Duration = .seconds(15)) async throws -> SelfSignedTLSServer {
        guard let openssl = ChildProcess.findExecutable("openssl") else { throw RequiredToolMissing.openssl }
        let directory = try TemporaryDirectory(prefix: "llmcheck-tls")
        do {
            let certificate = directory.file("cert.pem")
            let key = directory.file("key.pem")
            let generate = try ChildProcess(
                executable: openssl,
                arguments: [
                    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=llmcheck test self-signed",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                ],
                outputPath: directory.file("req.log")
            )
            guard await generate.waitForExit(timeout: timeout) else {
                await generate.stop()
                throw ChildProcessError("\(generate.commandLine) did not finish within \(timeout)", output: generate.output)
            }
            guard generate.status == .exited(0), FileManager.default.fileExists(atPath: certificate) else {
                throw ChildProcessError(
                    "\(generate.commandLine) failed (\(generate.status.map { "\($0)" } ?? "no status"))",
                    output: generate.output
                )
            }
            let server = try ChildProcess(
                executable: openssl,
                arguments: ["s_server", "-accept", "127.0.0.1:0", "-cert", certificate, "-key", key, "-www"],
                outputPath: directory.file("s_server.log")
            )
            do {
                let port = try await server.waitForOutputLine(timeout: timeout) { line -> UInt16? in
                    // OpenSSL 1.1.1+: "ACCEPT 127.0.0.1:41234" for a dynamically allocated port.
                    guard line.hasPrefix("ACCEPT "), let colon = line.lastIndex(of: ":") else { return nil }
                    return UInt16(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
                }
                return SelfSignedTLSServer(port: port, directory: directory, process: server)
            } catch {
                await server.stop()
                throw error
            }
        } catch {
            directory.remove()
            throw error
        }
    }

    /// Stops the server (`SIGTERM`, then `SIGKILL`) and deletes the certificate and key.
    public func stop() async {
        await process.stop()
        directory.remove()
    }
}

/// Runs `body` with a started ``SelfSignedTLSServer`` and always stops it, also when `body` throws.
public func withSelfSignedTLSServer<T>(_ body: (SelfSignedTLSServer) async throws -> T) async throws -> T {
    let server = try await SelfSignedTLSServer.start()
    do {
        let value = try await body(server)
        await server.stop()
        return value
    } catch {
        await server.stop()
        throw error
    }
}

/// A command a test needs is not installed. Thrown (not skipped) so CI cannot pass silently.
public struct RequiredToolMissing: Error, Sendable, CustomStringConvertible {
    /// The command, e.g. `openssl`.
    public var tool: String
    /// How to install it.
    public var installHint: String

    public init(tool: String, installHint: String) {
        self.tool = tool
        self.installHint = installHint
    }

    /// `openssl` (stages TLS servers with self-signed certificates).
    public static let openssl = RequiredToolMissing(
        tool: "openssl",
        installHint: "Debian/Ubuntu: apt-get install -y openssl; macOS: brew install openssl@3 (and put it first in PATH)"
    )

    public var description: String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "(unset)"
        return "REQUIRED TOOL MISSING: '\(tool)' is not in PATH (\(path)); this test cannot run without it. Install it — \(installHint)."
    }
}
