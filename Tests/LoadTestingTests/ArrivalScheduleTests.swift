import LoadTesting
import Testing

@Suite("Arrival schedules") struct ArrivalScheduleTests {
    func gaps(_ process: ArrivalProcess, rate: Double, count: Int = 20_000, seed: UInt64 = 7) -> [Double] {
        var schedule = ArrivalSchedule(rate: rate, process: process, seed: seed)
        return (0..<count).map { _ in schedule.nextGap() }
    }

    func meanAndCV(_ values: [Double]) -> (mean: Double, cv: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return (mean, variance.squareRoot() / mean)
    }

    @Test func constantGapsAreExactlyOneOverTheRate() {
        #expect(gaps(.constant, rate: 8, count: 10).allSatisfy { $0 == 0.125 })
        var schedule = ArrivalSchedule(rate: 4, process: .constant, seed: 1)
        #expect((0..<4).map { _ in schedule.nextSendTime() } == [0, 0.25, 0.5, 0.75])
    }

    @Test func poissonGapsHaveTheRatesMeanAndACoefficientOfVariationOfOne() {
        let (mean, cv) = meanAndCV(gaps(.poisson, rate: 50))
        #expect(abs(mean - 0.02) < 0.02 * 0.03)
        #expect(abs(cv - 1) < 0.05)
    }

    @Test(arguments: [0.25, 1.0, 4.0])
    func gammaBurstinessSetsTheShape(burstiness: Double) {
        let (mean, cv) = meanAndCV(gaps(.gamma(burstiness: burstiness), rate: 10))
        #expect(abs(mean - 0.1) < 0.1 * 0.05, "mean stays 1/rate")
        let expected = 1 / burstiness.squareRoot()
        #expect(abs(cv - expected) < expected * 0.08, "CV of gamma(shape b) is 1/sqrt(b)")
    }

    @Test func theSameSeedGivesTheSameSchedule() {
        #expect(gaps(.poisson, rate: 3, count: 50, seed: 9) == gaps(.poisson, rate: 3, count: 50, seed: 9))
        #expect(gaps(.poisson, rate: 3, count: 50, seed: 9) != gaps(.poisson, rate: 3, count: 50, seed: 10))
        #expect(gaps(.poisson, rate: 1000, count: 100_000).allSatisfy { $0.isFinite && $0 >= 0 })
    }
}
