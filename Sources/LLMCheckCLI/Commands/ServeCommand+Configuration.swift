import Foundation
import HTTPWire
import MockProviders

extension ServeCommand {
    /// Every `--fault SPEC` of the command line, parsed (`serve` and `proxy` share the option).
    static func faults(_ arguments: ParsedArguments) throws(UsageError) -> [FaultSpec] {
        var faults: [FaultSpec] = []
        for text in arguments.strings("--fault") {
            do { faults.append(try FaultSpec.parse(text)) } catch { throw UsageError("--fault: \(error.description)") }
        }
        return faults
    }

    /// The configuration of every provider named on the command line.
    static func makeConfigurations(_ arguments: ParsedArguments, context: CommandContext) throws -> [MockConfiguration] {
        guard !arguments.positionals.isEmpty else {
            throw UsageError("name at least one provider: ollama, lmstudio or openai")
        }
        var kinds: [MockProviderKind] = []
        for name in arguments.positionals {
            guard let kind = MockProviderKind(rawValue: name.lowercased()) else {
                let near = ArgumentParser.suggestion(for: name.lowercased(), among: ["ollama", "lmstudio", "openai"])
                throw UsageError("unknown provider '\(name)'; " + (near.map { "did you mean '\($0)'?" } ?? "expected ollama, lmstudio or openai"))
            }
            kinds.append(kind)
        }
        let host = arguments.string("--host") ?? "127.0.0.1"
        let port = try arguments.int("--port", in: 0...65535) ?? 0
        if port != 0, port + kinds.count - 1 > 65535 { throw UsageError("--port \(port) leaves no room for \(kinds.count) providers") }
        let faults = try ServeCommand.faults(arguments)
        let seed = try arguments.uint64("--seed") ?? UInt64.random(in: 1...999_999)
        var physics = StreamingPhysics()
        if let ttft = try arguments.seconds("--ttft") { physics.timeToFirstToken = .nanoseconds(Int64(ttft * 1e9)) }
        if let text = arguments.string("--tps") {
            guard let v = CheckedNumber.number(text, in: 0...1e9), v == 0 || v >= 1e-3 else {
                throw UsageError("--tps expects 0 or a number of tokens per second from 0.001 to 1000000000, got '\(text)'")
            }
            physics.tokensPerSecond = v
        }
        if let text = arguments.string("--jitter") {
            guard let v = Double(text), (0...1).contains(v) else { throw UsageError("--jitter expects a fraction between 0 and 1, got '\(text)'") }
            physics.jitter = v
        }
        var speed = 1.0
        if let text = arguments.string("--speed") {
            guard let v = Double(text), v >= 0, v.isFinite else { throw UsageError("--speed expects a number ≥ 0 (0 = no delays), got '\(text)'") }
            speed = v
        }
        let modelNames = arguments.string("--models").map { $0.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty } }
        if let modelNames, modelNames.isEmpty { throw UsageError("--models needs at least one model name") }
        let controlToken = try controlToken(arguments, context: context) ?? MockConfiguration.generateControlToken()
        let origins = arguments.string("--origins").map { $0.split(separator: ",").map { $0.trimmingSpaces() } } ?? []
        var out: [MockConfiguration] = []
        for (i, kind) in kinds.enumerated() {
            var fixtures: [Fixture] = []
            if let dir = arguments.string("--fixtures") {
                let path = context.resolve(path: dir)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw UsageError("--fixtures: '\(dir)' is not a directory")
                }
                do { fixtures = try FixtureLoader.loadFixtures(directory: path, provider: kind) } catch {
                    throw UsageError("--fixtures: bad fixture\n\(error.description)")
                }
            }
            var c = MockConfiguration(provider: kind)
            if let modelNames { c.models = modelNames.map { MockModel.guessed(from: $0, provider: kind) } }
            c.seed = seed
            c.apiKey = arguments.string("--api-key")
            c.physics = physics
            c.replyText = arguments.string("--reply")
            c.faults = faults
            c.fixtures = fixtures
            c.replaySpeed = speed
            c.allowedOrigins = origins
            c.checksHost = !arguments.flag("--no-host-check")
            c.lmStudio.isJITLoadingEnabled = !arguments.flag("--no-jit")
            c.lmStudio.returns200ForUnknownEndpoints = !arguments.flag("--unknown-endpoint-404")
            c.lmStudio.isCORSEnabled = arguments.flag("--cors")
            c.controlToken = controlToken
            c.server = HTTPServerConfiguration(host: host, port: port == 0 ? 0 : UInt16(port + i))
            out.append(c)
        }
        return out
    }

    /// The environment variable read when `--control-token` is not given.
    static let controlTokenVariable = "LLMCHECK_CONTROL_TOKEN"

    /// `--control-token`, else `$LLMCHECK_CONTROL_TOKEN`, checked; nil when neither is set.
    static func controlToken(_ arguments: ParsedArguments, context: CommandContext) throws -> String? {
        let (text, source): (String?, String) = arguments.string("--control-token").map { ($0, "--control-token") }
            ?? (context.environment[controlTokenVariable].flatMap { $0.isEmpty ? nil : $0 }, controlTokenVariable)
        guard let text else { return nil }
        guard (8...256).contains(text.utf8.count), text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw UsageError("\(source) expects 8 to 256 visible ASCII characters without spaces, got \(text.utf8.count) characters")
        }
        return text
    }
}
