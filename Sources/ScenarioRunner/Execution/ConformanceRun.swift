import Foundation
import HTTPWire
import Reporting

// MARK: - ConformanceRun

/// A whole `llmcheck run`: load the scenario files, select, run in parallel, and assemble the ``RunReport``.
///
/// The CLI adds argument parsing, progress output, report writing and exit codes on top.
public struct ConformanceRun: Sendable {
    /// What to run and how.
    public struct Configuration: Sendable {
        /// Files or directories of scenario files. Default `["Scenarios"]`.
        public var paths: [String]
        public var selection: ScenarioSelection
        public var options: SuiteRunner.Options
        /// Identifier written into the report. Default: derived from the seed and start time.
        public var runID: String?
        /// Run only these scenario ids, on top of ``selection`` (`--last-failed`). Default nil: no restriction.
        public var onlyIDs: Set<String>?
        /// `run --client`: every selected scenario is run against this program instead of its own client.
        public var clientCommand: Scenario.Command?

        public init(
            paths: [String] = ["Scenarios"], selection: ScenarioSelection = ScenarioSelection(),
            options: SuiteRunner.Options = SuiteRunner.Options(), runID: String? = nil, onlyIDs: Set<String>? = nil
        ) {
            self.paths = paths
            self.selection = selection
            self.options = options
            self.runID = runID
            self.onlyIDs = onlyIDs
        }
    }

    /// What a run produced.
    public struct Outcome: Sendable {
        public var report: RunReport
        /// Scenario files that could not be used (also present in the report as error results).
        public var loadErrors: [ScenarioLoadError]
        /// Scenarios found before selection.
        public var availableCount: Int
        /// Scenario files read.
        public var fileCount: Int
        /// Whether the run was cancelled (Ctrl-C) before every scenario finished; the report then holds the
        /// finished scenarios and the others as skipped of kind `interrupted`.
        public var wasInterrupted: Bool
    }

    public var configuration: Configuration
    public var runner: SuiteRunner
    public var loader: ScenarioLoader

    public init(configuration: Configuration, runner: SuiteRunner = .standard, loader: ScenarioLoader = .standard) {
        self.configuration = configuration
        self.runner = runner
        self.loader = loader
    }

    /// Loads, selects and runs. `resolve` turns given paths into absolute ones.
    ///
    /// Cancelling the calling task stops the run promptly; the outcome still covers every selected scenario.
    /// - Throws: ``ShardSpecError`` for an invalid `--filter` expression.
    public func execute(resolve: (String) -> String = { $0 }, progress: (@Sendable (SuiteRunner.Progress) -> Void)? = nil) async throws(ShardSpecError) -> Outcome {
        let started = Date()
        var loader = self.loader
        if configuration.clientCommand != nil { loader.parser.validation.commandSuppliedElsewhere = true }
        let loaded = loader.load(paths: configuration.paths, resolve: resolve)
        let selected = try configuration.selection.select(ids: loaded.scenarios.map { ($0.id, $0.tags) })
        var scenarios = loaded.scenarios.filter { selected.contains($0.id) && configuration.onlyIDs?.contains($0.id) != false }
        if let command = configuration.clientCommand {
            for i in scenarios.indices {
                scenarios[i].client.kind = .command
                scenarios[i].client.command = command
                scenarios[i].client.misbehaviours = []
            }
        }
        // Broken files are results too (kind `invalid-scenario`), subject to the filter and the shard.
        // One result per broken scenario (or file), carrying all of its problems.
        var invalid: [ScenarioResult] = []
        var seenInvalid: Set<String> = []
        var grouped: [(first: ScenarioLoadError, messages: [String])] = []
        for error in loaded.errors {
            if let index = grouped.firstIndex(where: { $0.first.file == error.file && $0.first.scenarioID == error.scenarioID }) {
                grouped[index].messages.append(error.description)
            } else {
                grouped.append((error, [error.description]))
            }
        }
        for (error, messages) in grouped {
            var id = Self.invalidID(for: error)
            if loaded.scenarios.contains(where: { $0.id == id }) || seenInvalid.contains(id) { id += ".invalid-\(seenInvalid.count)" }
            seenInvalid.insert(id)
            let tagless = ScenarioSelection(filter: configuration.selection.filter, tags: [], shard: configuration.selection.shard)
            guard configuration.selection.tags.isEmpty, configuration.onlyIDs?.contains(id) != false,
                  (try? tagless.select(ids: [(id, [])]))?.contains(id) == true else { continue }
            invalid.append(ScenarioResult(
                id: id, title: "scenario file \(error.file)", provider: "unknown", capability: "scenario-file",
                filePath: error.file, outcome: .error(messages.joined(separator: "\n"), kind: "invalid-scenario"), durationSeconds: 0
            ))
        }
        let results = await runner.run(scenarios, options: configuration.options, progress: progress)
        let wasInterrupted = Task.isCancelled
        let finished = Date()
        let report = RunReport(
            runID: configuration.runID ?? Self.makeRunID(seed: configuration.options.seed, date: started),
            toolVersion: Self.toolVersion, startedAt: started, finishedAt: finished, seed: configuration.options.seed,
            shard: configuration.selection.shard.map { ShardInfo(index: $0.index, total: $0.total) },
            environment: RunEnvironment(properties: [
                "jobs": String(configuration.options.jobs), "scenario_paths": configuration.paths.joined(separator: " "),
            ].merging(wasInterrupted ? ["interrupted": "true"] : [:]) { a, _ in a }),
            results: (results + invalid).sorted { $0.id < $1.id }
        )
        return Outcome(
            report: report, loadErrors: loaded.errors, availableCount: loaded.scenarios.count + loaded.errors.count,
            fileCount: loaded.fileCount, wasInterrupted: wasInterrupted
        )
    }

    /// Version written into reports: ``ToolIdentity/version``.
    public static var toolVersion: String { ToolIdentity.version }

    static func invalidID(for error: ScenarioLoadError) -> String {
        if let id = error.scenarioID { return id }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        let path = error.file.lowercased().replacingOccurrences(of: "/", with: ".")
        return "invalid-file." + String(path.map { allowed.contains($0) ? $0 : "-" })
    }

    static func makeRunID(seed: UInt64, date: Date) -> String {
        let stamp = Int(date.timeIntervalSince1970)
        return "run-\(stamp)-\(String(StableHash.fnv1a64("\(seed)-\(stamp)") % 0xFFFFFF, radix: 16))"
    }
}

// MARK: - Defaults

extension ScenarioLoader {
    /// The loader `llmcheck run` uses: faults and fixtures validated by MockProviders' own parsers.
    public static var standard: ScenarioLoader {
        ScenarioLoader(parser: ScenarioParser(validation: ScenarioParser.Validation(
            fault: { MockProvidersEnvironment.validateFault($0, path: $1) },
            fixture: { MockProvidersEnvironment.validateFixture($0, file: $1) },
            errorCodes: ScenarioParser.Validation.providerErrorCodes
        )))
    }
}

extension SuiteRunner {
    /// Real mocks, real drivers.
    public static var standard: SuiteRunner {
        SuiteRunner(executor: ScenarioExecutor(drivers: .standard), makeEnvironment: { MockProvidersEnvironment() })
    }
}
