import Foundation

// MARK: - JSONSummaryWriter

/// Writes `summary.json` (a ``RunSummary``) and `run.json` (the full ``RunReport``, the input of ``ReportMerger``).
public struct JSONSummaryWriter: Sendable {
    public init() {}

    /// `summary.json` bytes.
    public func render(_ summary: RunSummary) throws -> Data {
        var data = try ReportJSON.makeEncoder().encode(summary)
        data.append(0x0A)
        return data
    }

    /// `run.json` bytes: the complete report with transcripts and messages sanitized; compact (it is for machines
    /// and can be large), keys sorted.
    public func renderRun(_ report: RunReport) throws -> Data {
        try renderRun(report, isSanitized: false)
    }

    func renderRun(_ report: RunReport, isSanitized: Bool) throws -> Data {
        var data = try ReportJSON.makeEncoder(pretty: false).encode(isSanitized ? report : ReportSanitizer.sanitized(report))
        data.append(0x0A)
        return data
    }
}
