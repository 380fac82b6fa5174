import Diagnosis
import Foundation
import HTTPWire
import MockProviders

/// What `serve` (and `record`) check and say at start, and the wait for a stop signal.
extension ServeCommand {
    // MARK: - Checks at start

    /// Why the journal cannot be written to `path` (its directory is missing or not writable, or
    /// it names a directory), or nil when it can. Checked at start so a run's journal is not lost
    /// at exit.
    static func journalProblem(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return "is a directory; name a file" }
            return FileManager.default.isWritableFile(atPath: path) ? nil : "the file is not writable"
        }
        let directory = (path as NSString).deletingLastPathComponent
        let shown = directory.isEmpty ? "." : directory
        guard FileManager.default.fileExists(atPath: shown, isDirectory: &isDirectory), isDirectory.boolValue else {
            return "the directory \(shown) does not exist (create it first)"
        }
        return FileManager.default.isWritableFile(atPath: shown) ? nil : "the directory \(shown) is not writable"
    }

    /// The error line for a provider that could not listen: a port in use names who holds it
    /// (Linux `/proc`, as diagnose does) and suggests `--port 0`.
    static func bindFailureMessage(_ error: any Error, doing: String, host: String, port: UInt16) -> String {
        let head = "error: cannot \(doing) on \(host):\(port)"
        if let failure = error as? HTTPServerError, failure.underlying?.code == .addressInUse {
            let owners = RuntimeContext.portOwnerDescriptions(port: port)
            let holder = owners.isEmpty ? "another process" : owners.joined(separator: ", ")
            return "\(head): port \(port) is already in use by \(holder). Stop it, pick another --port, or use --port 0 for any free port."
        }
        return "\(head): \(error)"
    }

    // MARK: - Notes

    /// The standard-error notes after start: per provider its address, seed, models, physics and
    /// faults; the control token; and, when bound beyond loopback, the real listen address and a warning.
    static func startNotes(_ servers: [MockProviderServer], arguments: ParsedArguments, context: CommandContext) -> [String] {
        var lines: [String] = []
        for server in servers {
            let c = server.configuration
            var note = "llmcheck serve: \(c.provider) on \(server.baseURL) (seed \(c.seed), \(c.models.count) models"
            if !c.fixtures.isEmpty { note += ", \(c.fixtures.reduce(0) { $0 + $1.exchanges.count }) fixture exchanges" }
            lines.append(note + ")")
            for f in server.faults { lines.append("  fault #\(f.id): \(f.spec)") }
        }
        guard let first = servers.first?.configuration else { return lines }
        lines.append("  physics: " + physicsText(first.physics) + (first.replyText == nil ? "" : ", fixed reply text"))
        if let text = arguments.string("--ttft"), let bare = Double(text.trimmingSpaces()), bare >= 10 {
            lines.append("warning: --ttft \(text) is read as \(text) seconds (a bare number is seconds); write --ttft \(text)ms for milliseconds")
        }
        if arguments.string("--control-token") != nil {
            lines.append("  control token: as given by --control-token (send it in \(MockConfiguration.controlTokenHeader) to change faults or reset)")
        } else if context.environment[controlTokenVariable].map({ !$0.isEmpty }) == true {
            lines.append("  control token: from $\(controlTokenVariable) (send it in \(MockConfiguration.controlTokenHeader) to change faults or reset)")
        } else {
            lines.append("  control token: \(first.controlToken) (send it in \(MockConfiguration.controlTokenHeader) to change faults or reset)")
        }
        lines += ListenExposure.notes(host: first.server.host, ports: servers.map(\.port), what: "the mock and its control endpoint /__llmcheck/", hasControlEndpoint: true)
        return lines
    }

    /// `time to first token 200ms, 40 tokens/s, jitter 10%`, or `no delays`.
    static func physicsText(_ physics: StreamingPhysics) -> String {
        if physics.timeToFirstToken == .zero, physics.tokensPerSecond == 0 { return "no delays (--ttft 0, --tps 0)" }
        var parts = ["time to first token " + DurationText.format(physics.timeToFirstToken)]
        parts.append(physics.tokensPerSecond > 0 ? "\(JSONValue.format(physics.tokensPerSecond)) tokens/s" : "tokens without pacing")
        if physics.jitter > 0 { parts.append("jitter \(JSONValue.format(physics.jitter * 100))%") }
        return parts.joined(separator: ", ")
    }
}
