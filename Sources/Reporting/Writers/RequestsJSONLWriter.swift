import Foundation

// MARK: - RequestsJSONLWriter

/// Writes `requests.jsonl`: one compact JSON object per request (AIPerf-like trace), sorted by scenario id then
/// request order, warmup requests included with `"warmup": true`.
public struct RequestsJSONLWriter: Sendable {
    public init() {}

    public func render(_ report: RunReport) throws -> Data {
        try render(report, isSanitized: false)
    }

    func render(_ report: RunReport, isSanitized: Bool) throws -> Data {
        let encoder = ReportJSON.makeEncoder(pretty: false)
        var data = Data()
        for request in report.allRequests {
            data.append(try encoder.encode(isSanitized ? request : ReportSanitizer.sanitized(request)))
            data.append(0x0A)
        }
        return data
    }
}
