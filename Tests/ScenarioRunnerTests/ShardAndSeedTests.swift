import Testing
import MockProviders
@testable import ScenarioRunner
import HTTPWire

@Suite("Shards and seeds")
struct ShardAndSeedTests {
    static let ids = (0..<300).map { "scenario.\($0 % 7).case-\($0)" }

    @Test func fnv1aMatchesReferenceValues() {
        #expect(StableHash.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(StableHash.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(StableHash.fnv1a64("foobar") == 0x8594_4171_f739_67e8)
    }

    @Test(arguments: 1...7)
    func shardsAreDisjointAndComplete(total: Int) throws {
        var owner: [String: Int] = [:]
        for index in 1...total {
            let shard = try ShardSpec(index: index, total: total)
            for id in Self.ids where shard.contains(scenarioID: id) {
                #expect(owner[id] == nil, "\(id) in two shards")
                owner[id] = index
            }
        }
        #expect(owner.count == Self.ids.count)
        if total > 1 {
            #expect(Set(owner.values).count == total, "every shard gets some of 300 scenarios")
        }
    }

    @Test func assignmentIsStableAcrossOrderAndSelection() throws {
        let shard = try ShardSpec.parse("2/3")
        let a = try ScenarioSelection(shard: shard).select(ids: Self.ids.map { ($0, []) })
        let b = try ScenarioSelection(shard: shard).select(ids: Self.ids.reversed().map { ($0, []) })
        #expect(a == b)
        // A known assignment that must never change between releases (FNV-1a, not Swift's seeded Hasher).
        let pinned = (1...3).first { (try? ShardSpec(index: $0, total: 3))?.contains(scenarioID: "openai.retry.429") == true }
        #expect(pinned == Int(StableHash.fnv1a64("openai.retry.429") % 3) + 1)
    }

    @Test(arguments: ["0/3", "4/3", "a/b", "3", "1/0", "-1/2", "1/2/3", ""])
    func malformedShardsAreRejected(text: String) {
        #expect(throws: ShardSpecError.self) { try ShardSpec.parse(text) }
    }

    @Test func environmentShards() throws {
        #expect(try ShardSpec.fromEnvironment([:]) == nil)
        #expect(try ShardSpec.fromEnvironment(["CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "4"]) == ShardSpec(index: 2, total: 4))
        #expect(throws: ShardSpecError.self) { try ShardSpec.fromEnvironment(["CI_NODE_INDEX": "2"]) }
        #expect(throws: ShardSpecError.self) { try ShardSpec.fromEnvironment(["CI_NODE_INDEX": "5", "CI_NODE_TOTAL": "4"]) }
        #expect(throws: ShardSpecError.self) { try ShardSpec.fromEnvironment(["CI_NODE_INDEX": "x", "CI_NODE_TOTAL": "4"]) }
    }

    @Test func filterAndTags() throws {
        let ids: [(id: String, tags: [String])] = [("openai.retry.a", ["retry"]), ("ollama.chat.b", ["stream"]), ("openai.chat.c", ["stream", "openai"])]
        #expect(try ScenarioSelection(filter: "^openai\\.").select(ids: ids) == ["openai.retry.a", "openai.chat.c"])
        #expect(try ScenarioSelection(tags: ["stream"]).select(ids: ids) == ["ollama.chat.b", "openai.chat.c"])
        #expect(try ScenarioSelection(filter: "chat", tags: ["openai"]).select(ids: ids) == ["openai.chat.c"])
        #expect(throws: ShardSpecError.self) { try ScenarioSelection(filter: "(").select(ids: ids) }
    }

    @Test func scenarioSeedsAreReproducibleAndDistinct() {
        let a = StableHash.scenarioSeed(runSeed: 7, scenarioID: "x")
        #expect(a == StableHash.scenarioSeed(runSeed: 7, scenarioID: "x"))
        #expect(a != StableHash.scenarioSeed(runSeed: 8, scenarioID: "x"))
        #expect(a != StableHash.scenarioSeed(runSeed: 7, scenarioID: "y"))
    }

    @Test func requestSeedsDependOnlyOnRunSeedAndScenario() throws {
        let scenario = try #require(try ScenarioParser().parse(Array(ScenarioLoaderTests.minimal.utf8), file: "f", defaultCapability: "c").first)
        let executor = ScenarioExecutor(drivers: ClientDrivers(providerClient: nil, misbehaving: MisbehavingClient()))
        let servers = ["main": RunningServer(name: "main", personality: "openai", port: 1)]
        let first = executor.makeRequests(scenario: scenario, step: scenario.steps[0], index: 0, servers: servers, seed: 5)
        let again = executor.makeRequests(scenario: scenario, step: scenario.steps[0], index: 0, servers: servers.mapValues { var s = $0; s.port = 2; return s }, seed: 5)
        #expect(first.map(\.seed) == again.map(\.seed))
        #expect(first.map(\.requestID) == ["s0.r0"])
        var rng1 = SeededRandom(seed: first[0].seed)
        var rng2 = SeededRandom(seed: again[0].seed)
        #expect((0..<5).map { _ in rng1.next() } == (0..<5).map { _ in rng2.next() })
    }
}

@Suite("Deadline race")
struct DeadlineRaceTests {
    @Test func finishedWorkIsNeverReportedAsATimeout() async {
        // Regression: cancelling the timer used to wake it early and report a finished task as timed out.
        for _ in 0..<200 {
            let value = await SuiteRunner.race(Task { 42 }, milliseconds: 10_000)
            #expect(value == 42)
        }
    }

    @Test func slowWorkTimesOut() async {
        let work = Task { () -> Int in
            try? await Task.sleep(for: .seconds(5))
            return 1
        }
        let value = await SuiteRunner.race(work, milliseconds: 20)
        #expect(value == nil)
        work.cancel()
    }
}

@Suite("Request identity")
struct RequestIdentityTests {
    @Test func parsesItsOwnTextOnly() {
        #expect(RequestIdentity("s3.r12") == RequestIdentity(step: 3, index: 12))
        #expect(RequestIdentity(step: 3, index: 12).description == "s3.r12")
        for bad in ["", "s", "s1", "s1.", "s1.r", "x1.r2", "s-1.r2", "s1.r2x", "s1.r+2", "s١.r2"] { #expect(RequestIdentity(bad) == nil, "\(bad)") }
    }

    @Test func ordersNumerically() {
        // As strings "s0.r10" < "s0.r2"; as identities the tenth request comes last.
        let ids = ["s0.r10", "s0.r2", "s1.r0"].compactMap(RequestIdentity.init).sorted()
        #expect(ids.map(\.description) == ["s0.r2", "s0.r10", "s1.r0"])
    }
}
