@testable import LLMCheckCLI
import Testing

/// The seeded request-parser fuzz, bounded to a few seconds (`Benchmarks/soak.sh` runs millions).
@Suite("Request parser fuzzing")
struct RequestParserFuzzTests {
    @Test(arguments: [1, 2] as [UInt64])
    func mutatedRequestsParseTheSameWholeAndSplit(seed: UInt64) {
        let report = RequestParserFuzz.run(count: 20_000, seed: seed)
        #expect(report.mismatches.isEmpty, "\(report.mismatches.prefix(5))")
        #expect(report.requests > 1000, "some inputs must stay valid")
        #expect(report.refused.values.reduce(0, +) > 1000, "some inputs must be refused")
        #expect(report.largestBuffer <= 64 * 1024, "bounded by the limits: \(report.largestBuffer)")
    }
}
