import LLMCheckCLI

// The executable stays thin: everything lives in LLMCheckCLI.
let code = await LLMCheckCLI.run(arguments: Array(CommandLine.arguments.dropFirst()))
LLMCheckCLI.exit(code)
