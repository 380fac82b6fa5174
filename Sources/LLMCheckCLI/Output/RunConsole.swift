import Foundation
import HTTPWire
import Reporting
import ScenarioRunner

/// What `llmcheck run` shows while it runs and when it ends.
///
/// On a terminal a live progress line on standard error is rewritten in place and cleared at the end;
/// without one (CI logs) a plain progress line with pass/fail counts is printed every
/// ``progressInterval`` seconds. The end summary names every failed check, the scenario file and the
/// command that reruns just that scenario.
final class RunConsole: Sendable {
    private struct State {
        var finished = 0
        var total = 0
        var failed = 0
        var lastID = ""
        var started = MonotonicInstant(nanoseconds: 0)
        var ticker: Task<Void, Never>?
        var live = false
    }

    let output: OutputSink
    /// Seconds between plain progress lines when standard error is not a terminal.
    let progressInterval: Double
    private let state = LockedValue(State())

    init(output: OutputSink, progressInterval: Double) {
        self.output = output
        self.progressInterval = progressInterval
    }

    // MARK: - Progress

    /// A run starts: without a live line, start the periodic progress printer.
    func start() {
        let live = output.showsLiveProgress
        let interval = progressInterval
        state.withLock {
            $0 = State(started: .now(), live: live)
        }
        guard !live else { return }
        let ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
                guard !Task.isCancelled, let self else { return }
                self.printPlainProgress()
            }
        }
        state.withLock { $0.ticker = ticker }
    }

    /// One scenario finished.
    func progress(_ progress: SuiteRunner.Progress) {
        let live = state.withLock { state -> Bool in
            state.finished = progress.finished
            state.total = progress.total
            state.failed = progress.failed
            state.lastID = progress.last.id
            return state.live
        }
        guard live else { return }
        let failed = progress.failed > 0 ? ", \(progress.failed) failed" : ""
        let id = progress.last.id.count > 48 ? String(progress.last.id.prefix(47)) + "…" : progress.last.id
        output.writeError("\r\u{1B}[2K[\(progress.finished)/\(progress.total)\(failed)] \(id)")
    }

    private func printPlainProgress() {
        let s = state.current
        guard s.total > 0 else { return }
        let elapsed = s.started.elapsed.secondsDouble
        output.error("progress: \(s.finished)/\(s.total) done, \(s.finished - s.failed) passed, \(s.failed) failed (\(NumberText.duration(seconds: elapsed)))")
    }

    /// The first SIGINT/SIGTERM arrived.
    func interrupted(by signal: Int32) {
        let live = state.withLock { $0.live }
        output.writeError((live ? "\r\u{1B}[2K" : "") + "\(Syscalls.signalName(signal)): stopping the running scenarios and writing the reports (again to quit at once)\n")
    }

    /// The run ended: stop the printer and clear the live line.
    func finish() {
        let (ticker, live) = state.withLock { state in
            defer { state.ticker = nil }
            return (state.ticker, state.live)
        }
        ticker?.cancel()
        if live { output.writeError("\r\u{1B}[2K") }
    }

    // MARK: - Summary

    func printSummary(_ report: RunReport, comparison: BaselineComparison?, outDirectory: String, signal: Int32?) {
        let color = output.usesColor
        // Invalid scenario files were already printed, once each, as `error: FILE: KEY: problem`.
        for result in report.results where result.outcome.status == .failed || (result.outcome.status == .error && result.outcome.kind != "invalid-scenario") {
            printFailure(result, color: color)
        }
        let counts = report.counts
        let stopped = report.results.filter { $0.outcome.status == .skipped && Self.stopKinds.contains($0.outcome.kind ?? "") }
        var line = "\(NumberText.count(counts.total, "scenario")): \(counts.passed) passed, \(counts.failed) failed, "
            + "\(NumberText.count(counts.errors, "error")), \(counts.skipped) skipped in \(NumberText.duration(seconds: report.durationSeconds))"
            + " (seed \(report.seed.map(String.init) ?? "-")"
        if let shard = report.shard { line += ", shard \(shard)" }
        line += ")"
        let ok = counts.failed + counts.errors == 0 && signal == nil
        output.line(Terminal.style(line, ok ? .green : .red, enabled: color))
        if let signal {
            output.line("interrupted by \(Syscalls.signalName(signal)): \(NumberText.count(stopped.count, "scenario")) did not finish (reported as skipped)")
        } else if !stopped.isEmpty {
            output.line("stopped early (--max-failures): \(NumberText.count(stopped.count, "scenario")) not run (reported as skipped)")
        }
        if let comparison { printBaseline(comparison) }
        output.line("reports in \(outDirectory)/: \(ReportSet.fileNames)")
    }

    static let stopKinds: Set<String> = [SuiteRunner.StopReason.interrupted.rawValue, SuiteRunner.StopReason.maxFailures.rawValue]

    private func printFailure(_ result: ScenarioResult, color: Bool) {
        let label = result.outcome.status == .failed ? "FAIL " : "ERROR"
        output.line("\(Terminal.style(label, .red, enabled: color)) \(result.id): \(result.outcome.message ?? "")")
        let checks = result.expectations.filter { !$0.passed }.map { "\($0.name): expected \($0.expected), got \($0.actual)" }
        if checks != [result.outcome.message ?? ""] {  // a lone check that is the headline is not repeated
            for check in checks { output.line("       ✗ \(check)") }
        }
        for finding in result.findings {
            output.line("       finding \(finding.id): \(finding.message)")
        }
        if let file = result.filePath {
            output.line("       file:  \(file)")
            output.line("       rerun: llmcheck run \(Self.shellQuoted(file)) --filter \(Self.shellQuoted("^" + Self.regexEscaped(result.id) + "$"))")
        }
    }

    private func printBaseline(_ comparison: BaselineComparison) {
        for line in Self.baselineLines(comparison) { output.line(line) }
    }

    /// The baseline verdict with every regression named (metric, old → new, threshold), for `run` and `report merge`.
    static func baselineLines(_ comparison: BaselineComparison) -> [String] {
        let metrics = comparison.metrics.filter(\.isRegression)
        let scenarios = comparison.scenarioChanges.filter(\.isRegression)
        guard !metrics.isEmpty || !scenarios.isEmpty else { return ["baseline \(comparison.baselineRunID): no regressions"] }
        let t = comparison.thresholds
        var lines = ["baseline \(comparison.baselineRunID): \(NumberText.count(metrics.count + scenarios.count, "regression"))"]
        for row in metrics {
            lines.append("  \(row.metric) \(row.statistic): \(NumberText.compact(row.baseline)) → \(NumberText.compact(row.current)) \(row.unit) "
                + "(\(NumberText.signedPercent(row.deltaPercent)); threshold: more than +\(NumberText.short(t.absoluteMs)) ms and +\(NumberText.short(t.relativePercent))%)")
        }
        for change in scenarios {
            lines.append("  \(change.id): \(change.baselineStatus?.rawValue ?? "absent") → \(change.currentStatus?.rawValue ?? "absent")")
        }
        return lines
    }

    /// After `--repeat N`: scenarios whose status differed between repetitions.
    func printFlakes(_ statuses: [String: Set<ScenarioOutcome.Status>], repeats: Int) {
        let flaky = statuses.filter { $0.value.count > 1 }.keys.sorted()
        guard !flaky.isEmpty else {
            output.line("\(NumberText.count(repeats, "repetition")): every scenario had the same status each time")
            return
        }
        output.line("\(NumberText.count(flaky.count, "scenario")) changed status between repetitions (flaky):")
        for id in flaky {
            output.line("  \(id): \(statuses[id, default: []].map(\.rawValue).sorted().joined(separator: ", "))")
        }
    }

    // MARK: - Text

    static func shellQuoted(_ text: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@")
        if !text.isEmpty, text.allSatisfy({ safe.contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    static func regexEscaped(_ text: String) -> String {
        let special = Set("\\^$.|?*+()[]{}")
        return String(text.flatMap { special.contains($0) ? ["\\", $0] : [$0] })
    }
}
