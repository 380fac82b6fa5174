import Foundation
import MockProviders
import Testing
@testable import ScenarioRunner
import HTTPWire

/// Seeded, bounded fuzzing of scenario files: mutated bytes of real scenario files must load or be refused with
/// a located error — never trap, never hang. (The long version belongs in a soak run, not in CI.)
@Suite("Scenario file fuzzing", .timeLimit(.minutes(1)))
struct ScenarioFuzzTests {
    static let seeds: [String] = [
        #"{"id": "f.a", "description": "d", "timeout_ms": 5000, "servers": [{"name": "main", "personality": "openai", "generation": {"reply": "Hi there.", "ttft_ms": 10, "tps": 50, "jitter": 0.1}, "faults": [{"status": 429, "retry_after": 1, "times": 1}, {"stall": {"after": 2}}]}], "client": {"kind": "command", "argv": ["python3", "app.py"], "cwd": "x", "env": {"A": "1"}, "retry": {"max_retries": 2, "initial_delay_ms": 20, "max_delay_ms": 200}, "timeouts": {"idle_ms": 500}}, "steps": [{"operation": "chat", "stream": true, "expect": {"exit": 0, "stdout_is_reply": true, "attempts": {"min": 1, "max": 3}, "retry_delays_ms": [{"min": 900}], "findings": ["retry_after_ignored"], "wall_ms": {"max": 4000}}}]}"#,
        #"[{"id": "f.b", "description": "d", "servers": [{"name": "p", "personality": "ollama", "models": ["llama3.2:3b", {"name": "e", "capability": "embedding", "embedding_length": 768}]}, {"name": "q", "personality": "lmstudio", "api_key": "sk-x", "options": {"jit_loading": false}}], "client": {"kind": "misbehaving", "misbehaviours": ["no-backoff"], "providers": [{"server": "p"}, {"server": "q", "api_key": "sk-y"}]}, "steps": [{"operation": "failover_chat", "expect": {"served_by": "q", "no_findings": ["retry-storm"]}}, {"operation": "embed", "server": "p", "model": "e", "expect": {"embedding_dimensions": 768}}, {"operation": "list_models", "server": "q", "parallel": 3, "headers": {"Origin": "http://x"}, "expect": {"model_count": {"min": 1}}}]}]"#,
    ]

    static let tokens: [[UInt8]] = [
        "{", "}", "[", "]", ",", ":", "\"", "null", "true", "-1", "1e999", "99999999999999999999999", "\"\\u0000\"",
        "\"\\ud800\"", "{\"kind\": \"command\"}", "\"argv\": []", "\u{FFFD}", "\"exit\": \"non-zero\"", "0.5", "\n",
    ].map { Array($0.utf8) }

    @Test func seedsAreValidScenarios() throws {
        for seed in Self.seeds {
            #expect(try !ScenarioLoader.standard.parser.parse(Array(seed.utf8), file: "seed.json", defaultCapability: "fuzz").isEmpty)
        }
    }

    @Test func mutatedScenarioFilesNeverTrap() {
        var rng = SeededRandom(seed: 0x5EED_F022)
        let parser = ScenarioLoader.standard.parser
        var loaded = 0
        var refused = 0
        for round in 0..<1500 {
            var bytes = Array(Self.seeds[round % Self.seeds.count].utf8)
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let position = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 4 {
                case 0 where !bytes.isEmpty: bytes[position] = UInt8(truncatingIfNeeded: rng.next())
                case 1 where !bytes.isEmpty: bytes.removeSubrange(position..<min(bytes.count, position + 1 + Int(rng.next() % 8)))
                case 2: bytes.insert(contentsOf: Self.tokens[Int(rng.next() % UInt64(Self.tokens.count))], at: position)
                default: bytes = Array(bytes.prefix(position))
                }
            }
            do {
                _ = try parser.parse(bytes, file: "fuzz/\(round).json", defaultCapability: "fuzz")
                loaded += 1
            } catch {
                refused += 1
                #expect(error.file == "fuzz/\(round).json")
                #expect(!error.message.isEmpty)
            }
        }
        #expect(loaded + refused == 1500)
        #expect(refused > 0)
    }
}
