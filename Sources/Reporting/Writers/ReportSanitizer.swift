// MARK: - ReportSanitizer

/// Cleans every free-text field of a report before it is persisted: ANSI and control characters removed,
/// secrets masked, transcripts capped. Numbers are left alone, except that non-finite values (which JSON
/// cannot hold) are dropped.
public enum ReportSanitizer {
    /// Cap of a transcript in persisted reports (64 KiB).
    public static let maxTranscriptBytes = 64 * 1024

    public static func sanitized(_ report: RunReport) -> RunReport {
        var copy = report
        copy.environment.baseURLs = copy.environment.baseURLs.mapValues(TextSanitizer.redactURL)
        copy.environment.properties = copy.environment.properties.mapValues { TextSanitizer.clean($0) }
        copy.results = report.results.map(sanitized)
        if !copy.durationSeconds.isFinite { copy.durationSeconds = 0 }
        return copy
    }

    public static func sanitized(_ result: ScenarioResult) -> ScenarioResult {
        var copy = result
        copy.title = TextSanitizer.clean(result.title, maxBytes: 1000)
        copy.outcome.message = result.outcome.message.map { TextSanitizer.clean($0, maxBytes: 8 * 1024) }
        copy.findings = result.findings.map { finding in
            var f = finding
            f.message = TextSanitizer.clean(f.message, maxBytes: 4 * 1024)
            f.advice = TextSanitizer.clean(f.advice, maxBytes: 4 * 1024)
            f.evidence = f.evidence.map { TextSanitizer.clean($0, maxBytes: 4 * 1024) }
            return f
        }
        copy.expectations = result.expectations.map { expectation in
            var e = expectation
            e.expected = TextSanitizer.clean(e.expected, maxBytes: 4 * 1024)
            e.actual = TextSanitizer.clean(e.actual, maxBytes: 4 * 1024)
            return e
        }
        copy.requests = result.requests.map(sanitized)
        copy.transcript = result.transcript.map { TextSanitizer.clean($0, maxBytes: maxTranscriptBytes) }
        if !copy.durationSeconds.isFinite { copy.durationSeconds = 0 }
        return copy
    }

    /// A millisecond value rounded to 6 decimals (1 ns).
    static func roundedToNanoseconds(_ milliseconds: Double) -> Double {
        guard abs(milliseconds) < 1e9 else { return milliseconds }
        return (milliseconds * 1_000_000).rounded() / 1_000_000
    }

    public static func sanitized(_ request: RequestTrace) -> RequestTrace {
        var copy = request
        copy.endpoint = TextSanitizer.redactSecrets(request.endpoint)
        copy.error = request.error.map { TraceError(code: $0.code, type: $0.type, message: TextSanitizer.clean($0.message, maxBytes: 4 * 1024)) }
        // Millisecond values rounded to whole nanoseconds (the clock's resolution): lossless, and JSON stays short.
        copy.chunkGapsMs = request.chunkGapsMs.filter(\.isFinite).map(roundedToNanoseconds)
        copy.providerTimings = request.providerTimings.filter { $0.value.isFinite }
        func finite(_ value: Double?) -> Double? { value.flatMap { $0.isFinite ? roundedToNanoseconds($0) : nil } }
        copy.ttftMs = finite(request.ttftMs)
        copy.ttfcMs = finite(request.ttfcMs)
        copy.e2elMs = finite(request.e2elMs)
        copy.tpotMs = finite(request.tpotMs)
        copy.attempts = request.attempts.map { attempt in
            var a = attempt
            a.delayBeforeMs = a.delayBeforeMs.isFinite ? roundedToNanoseconds(a.delayBeforeMs) : 0
            return a
        }
        return copy
    }
}
