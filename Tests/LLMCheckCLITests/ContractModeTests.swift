import HTTPWire
import Testing
@testable import LLMCheckCLI

@Suite("chat and models under the command-client contract")
struct ContractModeTests {
    let contract = [
        "LLMCHECK_BASE_URL": "http://127.0.0.1:4242/v1", "LLMCHECK_PROVIDER": "lmstudio", "LLMCHECK_MODEL": "qwen",
        "LLMCHECK_PROMPT": "Say hi.", "LLMCHECK_STREAM": "0", "LLMCHECK_TIMEOUT_MS": "1500", "LLMCHECK_MAX_RETRIES": "1",
        "LLMCHECK_OPERATION": "chat", "OPENAI_API_KEY": "sk-dummy",
    ]

    @Test func fillsEveryFlagNotGiven() {
        let filled = ContractMode.apply(ParsedArguments(), environment: contract)
        #expect(filled.string("--url") == "http://127.0.0.1:4242/v1")
        #expect(filled.string("--provider") == "lmstudio")
        #expect(filled.string("--model") == "qwen")
        #expect(filled.string("--timeout") == nil, "the hint is the idle timeout, not the whole-request bound")
        let timeouts = ContractMode.timeouts(RequestTimeouts(connect: .seconds(5), headers: .seconds(120), idle: .seconds(60), total: .seconds(300)), environment: contract)
        #expect(timeouts.headers == .milliseconds(1500) && timeouts.idle == .milliseconds(1500) && timeouts.total == .seconds(300))
        #expect(filled.string("--retries") == "1")
        #expect(filled.positionals == ["Say hi."])
        #expect(filled.flag("--no-stream"))
        #expect(ContractMode.operation(ParsedArguments(), environment: contract) == "chat")
    }

    @Test func givenFlagsWinAndAnExplicitEndpointSwitchesItOff() {
        let given = ParsedArguments(values: ["--model": ["mine"]], positionals: ["my prompt"])
        let filled = ContractMode.apply(given, environment: contract)
        #expect(filled.string("--model") == "mine")
        #expect(filled.positionals == ["my prompt"])
        let explicit = ParsedArguments(values: ["--url": ["http://127.0.0.1:1"]])
        #expect(ContractMode.operation(explicit, environment: contract) == nil)
        #expect(ContractMode.apply(explicit, environment: contract).string("--model") == nil)
        #expect(ContractMode.operation(ParsedArguments(), environment: [:]) == nil)
    }
}
