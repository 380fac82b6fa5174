import Foundation
import HTTPWire

extension FaultSpec {
    /// The fault grammar with one example per fault, for `llmcheck serve --help` and the docs;
    /// the fault lines come from the ``FaultKind`` table.
    public static let helpText: String = {
        var lines = [
            "FAULTS (--fault SPEC, repeatable; the same keys work as JSON in scenario files and POST /__llmcheck/faults):",
            "  SPEC is comma-separated key=value items: exactly one fault, its parameters, and optional schedule keys.",
            "  \"After N\" counts body chunks (one SSE event / NDJSON line, or the whole body of a JSON answer).",
        ]
        for kind in FaultKind.allCases {
            lines += helpLines(kind.row)
        }
        lines += [
            "SCHEDULE (all optional, all must hold):",
            "  path=GLOB    model=GLOB    method=POST    request=N (only the Nth matching request)",
            "  times=K (at most K times)   p=0.25 (probability, drawn from --seed; the seed is printed)",
            "  test_id=GLOB (only requests whose X-Test-Id header matches: isolates concurrent tests)",
            "  Example: --fault 'stall=after:3,for:5s,path=/api/chat'   --fault 'rst=after:2,p=0.1'",
            "LIMITS: durations 0 to \(DurationText.format(maximumDuration)); counts, drip and length_mismatch up to \(maximumCount);",
            "  retry_after up to \(Int(maximumRetryAfterSeconds)) s. Larger values are refused with the column.",
            "Values with commas are quoted: message=\"a, b\". Bad specs are refused at start-up with the column.",
            "One request can carry its own fault: header X-LLMCheck-Fault: status=503 (that request only).",
        ]
        return lines.joined(separator: "\n")
    }()

    /// `usage  summary  example` in three columns; long parts continue on the next lines.
    private static func helpLines(_ row: FaultKind.Row) -> [String] {
        let usageWidth = 30
        let exampleColumn = 71
        let summary = row.summary.split(separator: "\n").map(String.init)
        let examples = row.example.split(separator: "\n").map(String.init)
        var lines: [String] = []
        for (index, text) in summary.enumerated() {
            let prefix = index == 0 ? "  " + row.usage : ""
            lines.append(prefix.padding(toLength: usageWidth, withPad: " ", startingAt: 0) + text)
        }
        for example in examples {
            if let last = lines.last, last.count + 2 <= exampleColumn {
                lines[lines.count - 1] = last.padding(toLength: exampleColumn, withPad: " ", startingAt: 0) + example
            } else {
                lines.append(String(repeating: " ", count: exampleColumn) + example)
            }
        }
        return lines
    }
}
