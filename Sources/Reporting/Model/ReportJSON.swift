import Foundation
import HTTPWire

// MARK: - ReportJSON

/// The JSON coders every report file uses: sorted keys, ISO-8601 dates, no escaped slashes.
public enum ReportJSON {
    /// Encoder for `run.json` and `summary.json` (pretty-printed, sorted keys, ISO-8601 UTC dates with ms).
    public static func makeEncoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(NumberText.iso8601(date))
        }
        return encoder
    }

    /// Decoder matching ``makeEncoder(pretty:)``; accepts ISO-8601 with or without fractional seconds.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = NumberText.parseISO8601(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO-8601 date: '\(text)'")
            }
            return date
        }
        return decoder
    }

    /// A readable description of a decoding error: the key path and the problem.
    public static func describe(_ error: any Error) -> String {
        guard let decodingError = error as? DecodingError else { return String(describing: error) }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
            return keys.isEmpty ? "top level" : String(keys.drop { $0 == "." })
        }
        switch decodingError {
        case .keyNotFound(let key, let context):
            let at = path(context)
            return "missing key '\(key.stringValue)'" + (context.codingPath.isEmpty ? "" : " at \(at)")
        case .typeMismatch(let type, let context):
            return "wrong type at \(path(context)): expected \(type) (\(context.debugDescription))"
        case .valueNotFound(let type, let context):
            return "null at \(path(context)): expected \(type)"
        case .dataCorrupted(let context):
            var message = "invalid JSON at \(path(context)): \(context.debugDescription)"
            if let underlying = context.underlyingError { message += " (\(underlying.localizedDescription))" }
            return message
        @unknown default:
            return String(describing: decodingError)
        }
    }
}
