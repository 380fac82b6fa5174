import Foundation

// MARK: - ReportSet

/// Writes every report of a run into one directory. The single entry point for the runner and the merger.
///
/// ```swift
/// let written = try ReportSet.write(report, to: URL(fileURLWithPath: "Reports"))
/// ```
///
/// Files (names are stable; see `docs/reports.md`): `junit.xml`, `summary.json`, `requests.jsonl`,
/// `summary.md`, `summary.csv`, `report.html`, `run.json` (the full ``RunReport``, read by ``ReportMerger``) and
/// `ctrf.json` (Common Test Report Format).
public enum ReportSet {
    /// The file names written into the report directory.
    public enum FileName {
        public static let junit = "junit.xml"
        public static let summary = "summary.json"
        public static let requests = "requests.jsonl"
        public static let markdown = "summary.md"
        public static let csv = "summary.csv"
        public static let html = "report.html"
        public static let run = "run.json"
        public static let ctrf = "ctrf.json"
    }

    /// Every file ``write(_:to:comparison:)`` writes, in order, with what it is for: the one list that
    /// `llmcheck run --help`, the console summary and docs/reports.md show.
    public static let files: [(name: String, purpose: String)] = [
        (FileName.junit, "JUnit XML for CI test tabs (one testcase per scenario)"),
        (FileName.summary, "counts, metric statistics, error codes and per-scenario status (read by --baseline and --last-failed)"),
        (FileName.requests, "one JSON line per request attempt, with its timings"),
        (FileName.markdown, "the run for people and CI job summaries, failures with expected/actual"),
        (FileName.csv, "metric statistics, one row per metric"),
        (FileName.html, "a self-contained page: cards, tables, timeline, troubleshooting"),
        (FileName.run, "the full run, read by `llmcheck report merge`"),
        (FileName.ctrf, "Common Test Report Format JSON"),
    ]

    /// The file names of ``files``, comma-separated, for one-line messages.
    public static var fileNames: String { files.map(\.name).joined(separator: ", ") }

    /// Writes all reports of `report` into `directory` (created if missing) and returns the written files.
    ///
    /// Each file is written atomically (temporary file + rename), so a crash never leaves a half-written report.
    ///
    /// - Parameters:
    ///   - report: The run to report.
    ///   - directory: Output directory (`Reports/`, or `--out`).
    ///   - comparison: A baseline comparison to render into `summary.md` and `report.html`.
    /// - Returns: URLs of the written files, in the order listed above.
    /// - Throws: ``ReportingError`` `.writeFailed` naming the file or directory.
    @discardableResult
    public static func write(_ report: RunReport, to directory: URL, comparison: BaselineComparison? = nil) throws -> [URL] {
        let clean = ReportSanitizer.sanitized(report)
        let summary = RunSummary(report: clean)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw ReportingError(.writeFailed, path: directory.path, "cannot create report directory: \(error.localizedDescription)")
        }
        let json = JSONSummaryWriter()
        // Same order as `files`; a test checks that the two lists agree.
        let outputs: [(String, () throws -> Data)] = [
            (FileName.junit, { Data(JUnitWriter().render(clean).utf8) }),
            (FileName.summary, { try json.render(summary) }),
            (FileName.requests, { try RequestsJSONLWriter().render(clean, isSanitized: true) }),
            (FileName.markdown, { Data(MarkdownWriter().render(clean, summary: summary, comparison: comparison).utf8) }),
            (FileName.csv, { Data(CSVWriter().render(summary).utf8) }),
            (FileName.html, { Data(HTMLWriter().render(clean, summary: summary, comparison: comparison).utf8) }),
            (FileName.run, { try json.renderRun(clean, isSanitized: true) }),
            (FileName.ctrf, { try CTRFWriter().render(clean) }),
        ]
        var written: [URL] = []
        for (name, render) in outputs {
            let url = directory.appendingPathComponent(name)
            let data: Data
            do { data = try render() } catch {
                throw ReportingError(.writeFailed, path: url.path, "cannot encode: \(error)")
            }
            do { try data.write(to: url, options: .atomic) } catch {
                throw ReportingError(.writeFailed, path: url.path, "cannot write: \(error.localizedDescription)")
            }
            written.append(url)
        }
        return written
    }
}
