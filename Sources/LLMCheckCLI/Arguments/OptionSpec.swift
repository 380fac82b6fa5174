/// One option or flag a command accepts.
public struct OptionSpec: Sendable, Hashable {
    /// Spellings, long first: `["--port", "-p"]`.
    public var names: [String]
    /// Placeholder of the value (`PORT`); nil for a boolean flag.
    public var valueName: String?
    /// One-line help text.
    public var help: String
    /// Whether the option may be given several times (values accumulate).
    public var isRepeatable: Bool
    /// The default, for the help text only.
    public var defaultDescription: String?

    /// A flag that takes no value.
    public static func flag(_ names: String..., help: String) -> OptionSpec {
        OptionSpec(names: names, valueName: nil, help: help, isRepeatable: false, defaultDescription: nil)
    }

    /// An option that takes a value.
    public static func option(
        _ names: String..., value: String, help: String, repeatable: Bool = false, default defaultValue: String? = nil
    ) -> OptionSpec {
        OptionSpec(names: names, valueName: value, help: help, isRepeatable: repeatable, defaultDescription: defaultValue)
    }

    /// The canonical (first) spelling, used as the key in ``ParsedArguments``.
    public var key: String { names[0] }
    public var takesValue: Bool { valueName != nil }
}

/// A positional argument.
public struct PositionalSpec: Sendable, Hashable {
    public var name: String
    public var help: String
    public var isOptional: Bool
    public var isVariadic: Bool

    public init(name: String, help: String, isOptional: Bool = false, isVariadic: Bool = false) {
        self.name = name
        self.help = help
        self.isOptional = isOptional
        self.isVariadic = isVariadic
    }
}

/// What a command accepts, and its help text.
public struct CommandSpec: Sendable {
    /// Name as typed, possibly with spaces for nested commands (`report merge`).
    public var name: String
    /// One-line summary.
    public var abstract: String
    /// Longer help shown by `--help` after the options (examples, exit codes).
    public var discussion: String
    public var options: [OptionSpec]
    public var positionals: [PositionalSpec]

    public init(
        name: String, abstract: String, discussion: String = "", options: [OptionSpec] = [],
        positionals: [PositionalSpec] = []
    ) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.options = options + [
            .option("--color", value: "WHEN", help: "Colour: auto, always or never (auto honours NO_COLOR and TERM=dumb).", default: "auto"),
            .flag("--help", "-h", help: "Show this help."),
        ]
        self.positionals = positionals
    }

    /// The full `--help` text.
    public var helpText: String {
        var usage = "USAGE: llmcheck \(name)"
        if options.count > 2 { usage += " [options]" }
        for p in positionals {
            let shown = p.isVariadic ? "\(p.name) ..." : p.name
            usage += p.isOptional || p.isVariadic ? " [\(shown)]" : " <\(shown)>"
        }
        var lines = [abstract, "", usage]
        if !positionals.isEmpty {
            lines += ["", "ARGUMENTS:"]
            for p in positionals { lines.append(Self.row(p.name, p.help)) }
        }
        lines += ["", "OPTIONS:"]
        for o in options {
            var left = o.names.joined(separator: ", ")
            if let v = o.valueName { left += " <\(v)>" }
            var help = o.help
            if let d = o.defaultDescription { help += " (default: \(d))" }
            if o.isRepeatable { help += " (repeatable)" }
            lines.append(Self.row(left, help))
        }
        if !discussion.isEmpty { lines += ["", discussion] }
        return lines.joined(separator: "\n")
    }

    private static func row(_ left: String, _ help: String) -> String {
        let pad = left.count < 28 ? String(repeating: " ", count: 28 - left.count) : "\n" + String(repeating: " ", count: 30)
        return "  \(left)\(pad)\(help)"
    }
}
