import Foundation
import HTTPWire
import LLMCheckCLI
import TestSupport
import Testing

/// `models` and `chat` never wait in silence: on a terminal a "waiting for …" line names the slow
/// phase, `--timeout` bounds the whole request, and `https://` to a plain-HTTP port fails fast.
@Suite(.timeLimit(.minutes(1))) struct ClientWaitingTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func run(_ arguments: [String]) async -> (ExitCode, CapturedOutput) {
        let (sink, captured) = OutputSink.capturing()
        let context = CommandContext(output: sink, environment: ["PATH": "/usr/bin:/bin"], currentDirectory: Self.repositoryRoot)
        return (await LLMCheckCLI.run(arguments: arguments, context: context), captured)
    }

    /// Accepts, reads the request and never answers (until the client leaves).
    static func silentServer() throws -> RawTestServer {
        try RawTestServer { socket in
            _ = RawTestServer.readRequestHead(from: socket)
            _ = try? socket.readSome(timeout: .seconds(30))
        }
    }

    /// A plain HTTP server that answers only once it has a whole request head (a TLS ClientHello
    /// has none, so it waits), as many small HTTP servers do.
    static func lineWaitingPlainServer() throws -> RawTestServer {
        try RawTestServer { socket in
            let head = RawTestServer.readRequestHead(from: socket, timeout: .seconds(30))
            if head.count >= 4, head.suffix(4) == [13, 10, 13, 10] {
                try socket.writeAll(Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8))
            }
        }
    }

    @Test func waitingLineOnAPseudoTerminal() async throws {
        let binary = Self.repositoryRoot + "/.build/debug/llmcheck"
        guard FileManager.default.isExecutableFile(atPath: binary), let script = ChildProcess.findExecutable("script") else {
            Issue.record("needs .build/debug/llmcheck and script(1)")
            return
        }
        let server = try Self.silentServer()
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let command = "\(binary) models --url \(server.baseURL) --provider ollama --timeout 2.5 --retries 0"
        let child = try ChildProcess(
            executable: script, arguments: ["-qec", command, "/dev/null"], outputPath: directory.path + "/pty.log",
            environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm"])
        #expect(await child.waitForExit(timeout: .seconds(30)))
        let output = child.output
        #expect(output.contains("waiting for response headers from \(server.baseURL)"), "\(output.debugDescription)")
        #expect(output.contains("(Ctrl-C to stop)"))
        #expect(output.contains("totalTimeout"), "--timeout bounds the request: \(output.debugDescription)")
    }

    @Test func noWaitingLineWithoutATerminal() async throws {
        let server = try Self.silentServer()
        defer { server.stop() }
        let (code, out) = await run(["models", "--url", server.baseURL, "--provider", "ollama", "--timeout", "1.5", "--retries", "0"])
        #expect(code == .failure)
        #expect(out.standardError.contains("totalTimeout"))
        #expect(!out.standardError.contains("waiting for"), "stderr is not a terminal: \(out.standardError)")
    }

    /// `--timeout` bounds the whole command, the server identification that runs without
    /// `--provider` included: against a server that answers its head at once and trickles the body one
    /// byte per 200 ms, the probes (two rounds of 3 s each before) and the request together end at the limit.
    ///
    /// The command runs as its own process and the time is taken by the server's own threads (first
    /// connection accepted to last connection ended): a full parallel test run can starve this test
    /// process's cooperative pool for seconds, which once made the in-process command itself 7.9 s late.
    @Test func timeoutBoundsIdentificationToo() async throws {
        let binary = Self.repositoryRoot + "/.build/debug/llmcheck"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("needs .build/debug/llmcheck")
            return
        }
        let span = LockedValue<(first: MonotonicInstant?, last: MonotonicInstant?, open: Int)>((nil, nil, 0))
        let server = try RawTestServer { socket in
            span.withLock {
                if $0.first == nil { $0.first = .now() }
                $0.open += 1
            }
            defer { span.withLock { ($0.last, $0.open) = (.now(), $0.open - 1) } }
            _ = RawTestServer.readRequestHead(from: socket)
            guard (try? socket.writeAll(Array("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".utf8))) != nil else { return }
            for byte in Array(repeating: UInt8(ascii: "x"), count: 150) {
                guard (try? socket.writeAll([byte])) != nil else { return }
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let child = try ChildProcess(
            executable: binary, arguments: ["models", "--url", server.baseURL, "--timeout", "1", "--retries", "0"],
            outputPath: directory.path + "/out.log", environment: ["PATH": "/usr/bin:/bin"])
        #expect(await child.waitForExit(timeout: .seconds(30)), "\(child.output)")
        #expect(child.status == .exited(1), "\(child.output)")
        #expect(child.output.contains("totalTimeout"), "\(child.output)")
        // The server sees a client's close at its next trickled byte (within 0.2 s).
        for _ in 0..<50 where span.withLock({ $0.open }) > 0 { try await Task.sleep(for: .milliseconds(100)) }
        let (first, last, open) = span.withLock { $0 }
        #expect(open == 0)
        let served = try #require(first).duration(to: try #require(last))
        // Without the bound, identification alone took about 6 s before the 1 s request started, 7 s in all.
        #expect(served < .seconds(6.5), "connections spanned \(served)")
    }

    @Test(arguments: [["models"], ["chat", "--model", "m", "hi"]])
    func httpsToAPlainPortFailsFast(_ command: [String]) async throws {
        let server = try Self.lineWaitingPlainServer()
        defer { server.stop() }
        let started = MonotonicInstant.now()
        let (code, out) = await run(command + ["--url", "https://127.0.0.1:\(server.port)", "--provider", "ollama", "--no-proxy"])
        #expect(code == .unavailable)
        #expect(out.standardError.contains("tlsFailure"), "\(out.standardError)")
        #expect(out.standardError.contains("use http://"), "\(out.standardError)")
        // The headers timeouts are 20 s (models) and 120 s (chat): failing well before them means
        // the plain-HTTP check answered, not a timeout.
        #expect(started.elapsed < .seconds(15))
    }
}
