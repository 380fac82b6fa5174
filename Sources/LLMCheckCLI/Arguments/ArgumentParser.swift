import HTTPWire

/// Parses a command line against a ``CommandSpec``.
///
/// Accepts `--name value`, `--name=value`, grouped short flags are not supported (each `-x` alone),
/// and `--` ends option parsing. Unknown options are refused with a suggestion.
public enum ArgumentParser {
    public static func parse(_ arguments: [String], spec: CommandSpec) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if onlyPositionals || !argument.hasPrefix("-") || argument == "-" || isNegativeNumber(argument) {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" {
                onlyPositionals = true
                continue
            }
            var name = argument
            var inlineValue: String?
            if let eq = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<eq])
                inlineValue = String(argument[argument.index(after: eq)...])
            }
            guard let option = spec.options.first(where: { $0.names.contains(name) }) else {
                var message = "unknown option '\(name)' for 'llmcheck \(spec.name)'"
                if let near = suggestion(for: name, among: spec.options.flatMap(\.names)) { message += "; did you mean '\(near)'?" }
                throw UsageError(message)
            }
            if option.takesValue {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else {
                        throw UsageError("\(name) needs a value <\(option.valueName ?? "VALUE")>")
                    }
                    value = arguments[index]
                    index += 1
                }
                if !option.isRepeatable, parsed.values[option.key] != nil {
                    throw UsageError("\(option.key) given more than once")
                }
                parsed.values[option.key, default: []].append(value)
            } else {
                if inlineValue != nil { throw UsageError("\(name) is a flag and takes no value") }
                parsed.flags.insert(option.key)
            }
        }
        if parsed.flag("--help") { return parsed }
        let required = spec.positionals.filter { !$0.isOptional && !$0.isVariadic }
        if parsed.positionals.count < required.count {
            let missing = required[parsed.positionals.count]
            throw UsageError("missing argument <\(missing.name)>: \(missing.help)")
        }
        if !spec.positionals.contains(where: \.isVariadic), parsed.positionals.count > spec.positionals.count {
            let extra = parsed.positionals[spec.positionals.count]
            // A URL where the command takes it as an option: say which option.
            let looksLikeURL = extra.contains("://") || extra.hasPrefix("localhost") || extra.hasPrefix("127.")
            if looksLikeURL, spec.options.contains(where: { $0.names.contains("--url") }) {
                throw UsageError("unexpected argument '\(extra)' for 'llmcheck \(spec.name)'; did you mean --url \(extra)?")
            }
            throw UsageError("unexpected argument '\(extra)' for 'llmcheck \(spec.name)'")
        }
        return parsed
    }

    private static func isNegativeNumber(_ s: String) -> Bool {
        s.count > 1 && s.hasPrefix("-") && Double(s) != nil
    }

    /// The closest candidate within a small edit distance, if any (see ``Suggestion/closest(to:among:maxDistance:)``).
    public static func suggestion(for word: String, among candidates: [String]) -> String? {
        Suggestion.closest(to: word, among: candidates)
    }
}
