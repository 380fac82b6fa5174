import HTTPWire

/// One intermediary behaviour `llmcheck proxy --emulate` reproduces, to try a deployment (nginx,
/// Cloudflare, a relay) before deploying it. Parsed with ``parse(_:)``; each acts where a real
/// intermediary acts (see docs/proxy.md).
public enum ProxyEmulation: Sendable, Hashable, CustomStringConvertible {
    /// `buffer=until-close`: the body is held until the upstream's response ended (nginx
    /// `proxy_buffering` with a body smaller than its buffers). The head goes out at once.
    case bufferUntilClose
    /// `buffer=SIZE`: the body goes out in pieces of SIZE bytes (nginx `proxy_buffer_size`).
    case buffer(bytes: Int)
    /// `gzip`: the body is gzip-encoded when the client accepts gzip (compression on a stream), each
    /// piece flushed as it comes. Stored DEFLATE blocks: the framing a client sees is compression's,
    /// the byte savings are not.
    case gzip
    /// `idle-timeout=DUR[:cut]`: an upstream silent for DUR gets a 524 before the head (Cloudflare), a
    /// cut stream after it; `:cut` cuts in both cases.
    case idleTimeout(Duration, alwaysCuts: Bool)
    /// `content-type=TYPE`: the response's Content-Type is replaced.
    case contentType(String)
    /// `status-rewrite=FROM:TO`: a FROM response becomes TO, Retry-After dropped (a relay turning 429 into 502).
    case statusRewrite(from: Int, to: Int)
    /// `strip-header=NAME`: the response header NAME is removed.
    case stripHeader(String)
    /// `replay-on-reconnect`: a request that opens a client's new connection (after an earlier one)
    /// is sent upstream twice, the first answer discarded (a relay replaying after a reconnect).
    case replayOnReconnect

    public var description: String {
        switch self {
        case .bufferUntilClose: "buffer=until-close"
        case .buffer(let n): "buffer=\(n)"
        case .gzip: "gzip"
        case .idleTimeout(let d, let cut): "idle-timeout=\(DurationText.format(d))" + (cut ? ":cut" : "")
        case .contentType(let t): "content-type=\(t)"
        case .statusRewrite(let a, let b): "status-rewrite=\(a):\(b)"
        case .stripHeader(let n): "strip-header=\(n)"
        case .replayOnReconnect: "replay-on-reconnect"
        }
    }

    /// The names, for help and suggestions.
    public static let names = ["buffer", "gzip", "idle-timeout", "content-type", "status-rewrite", "strip-header", "replay-on-reconnect"]

    /// Parses one `--emulate` value: one or more items separated by commas.
    ///
    /// - Throws: ``ProxyError`` `.badEmulation` naming the item and its column.
    public static func parse(_ text: String) throws(ProxyError) -> [ProxyEmulation] {
        let items = ProxySpecItems(text, separators: ["="])
        var out: [ProxyEmulation] = []
        for item in items.items {
            func bad(_ message: String) -> ProxyError { ProxyError(.badEmulation, "--emulate " + items.message(item, message)) }
            let value = item.value ?? ""
            switch item.key {
            case "buffer":
                if value == "until-close" {
                    out.append(.bufferUntilClose)
                } else if let n = CheckedNumber.integer(value, in: 1...(1 << 30)) {
                    out.append(.buffer(bytes: n))
                } else {
                    throw bad("expected buffer=until-close or buffer=BYTES (1 to 1073741824)")
                }
            case "gzip":
                guard item.value == nil else { throw bad("gzip takes no value") }
                out.append(.gzip)
            case "idle-timeout":
                var text = value
                var cuts = false
                if text.hasSuffix(":cut") { text.removeLast(4); cuts = true }
                guard let d = DurationText.parse(text), d > .zero else { throw bad("expected idle-timeout=DUR or idle-timeout=DUR:cut, e.g. 100s") }
                out.append(.idleTimeout(d, alwaysCuts: cuts))
            case "content-type":
                guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 32 && $0 < 127 }) else { throw bad("expected a media type such as text/plain") }
                out.append(.contentType(value))
            case "status-rewrite":
                let parts = value.split(separator: ":")
                guard parts.count == 2, let a = CheckedNumber.integer(parts[0], in: 100...599), let b = CheckedNumber.integer(parts[1], in: 100...599) else {
                    throw bad("expected status-rewrite=FROM:TO with statuses 100-599, e.g. 429:502")
                }
                out.append(.statusRewrite(from: a, to: b))
            case "strip-header":
                guard !value.isEmpty, value.utf8.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }) else { throw bad("expected a header name") }
                out.append(.stripHeader(value))
            case "replay-on-reconnect":
                guard item.value == nil else { throw bad("replay-on-reconnect takes no value") }
                out.append(.replayOnReconnect)
            default:
                let near = Suggestion.closest(to: item.key, among: names)
                throw bad("unknown emulation" + (near.map { "; did you mean '\($0)'?" } ?? "; expected one of \(names.joined(separator: ", "))"))
            }
        }
        return out
    }
}
