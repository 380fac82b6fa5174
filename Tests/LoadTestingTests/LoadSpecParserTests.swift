import LoadTesting
import Reporting
import Testing

@Suite("Load flag values") struct LoadSpecParserTests {
    @Test func goodputParsesMillisecondsAndDurations() throws {
        let slo = try LoadSpecParser.objectives("ttft=500,tpot=50ms, e2e=1.5s")
        #expect(slo == ServiceLevelObjectives(ttftMs: 500, tpotMs: 50, e2elMs: 1500))
    }

    @Test(arguments: [
        ("ttft", "'ttft' is not KEY=LIMIT"), ("ttft=abc", "'ttft=abc'"), ("ttft=-3", "'ttft=-3'"), ("itl=5", "unknown objective 'itl'"),
        ("ttft=5,,tpot=3", "'' is not KEY=LIMIT"), ("ttft=inf", "'ttft=inf'"),
    ])
    func badGoodputNamesTheItem(text: String, expected: String) {
        let error = #expect(throws: LoadInputError.self) { try LoadSpecParser.objectives(text) }
        #expect(error?.code == .badObjective)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
    }

    @Test func sweepsAndTheirErrors() throws {
        #expect(try LoadSpecParser.sweep("concurrency=1,4,16") == .concurrency([1, 4, 16]))
        #expect(try LoadSpecParser.sweep("rate=0.5,2") == .rate([0.5, 2]))
        for bad in ["concurrency=1,x", "rate=0", "rate=1e300", "speed=1", "concurrency=", "concurrency"] {
            #expect(throws: LoadInputError.self, "\(bad)") { try LoadSpecParser.sweep(bad) }
        }
        let error = #expect(throws: LoadInputError.self) { try LoadSpecParser.sweep("concurrency=1,99999999999999999999") }
        #expect(error?.message.contains("'99999999999999999999'") == true)
    }

    @Test func shardsAndErrorRates() throws {
        #expect(try LoadSpecParser.shard("2/4") == ShardInfo(index: 2, total: 4))
        for bad in ["0/4", "5/4", "1/0", "a/b", "1", "1/2/3", "-1/2"] {
            #expect(throws: LoadInputError.self, "\(bad)") { try LoadSpecParser.shard(bad) }
        }
        #expect(try LoadSpecParser.errorRate("0.05") == 0.05)
        #expect(try LoadSpecParser.errorRate("5%") == 0.05)
        for bad in ["2", "-0.1", "x", "nan"] {
            #expect(throws: LoadInputError.self, "\(bad)") { try LoadSpecParser.errorRate(bad) }
        }
    }
}
