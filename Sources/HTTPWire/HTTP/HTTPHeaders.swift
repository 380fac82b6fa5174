/// An ordered list of HTTP header fields with case-insensitive lookup.
///
/// Order and the original spelling of names are preserved, because mocks must replay headers
/// byte-exact and diagnostics quote what a server actually sent.
///
/// ```swift
/// var headers: HTTPHeaders = ["Content-Type": "application/json"]
/// headers.add(name: "X-Request-Id", value: "req_1")
/// headers["content-type"]  // "application/json"
/// ```
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One header field as it appeared on the wire.
    public struct Field: Sendable, Hashable {
        public var name: String {
            didSet { secretName = .unknown }
        }
        public var value: String
        /// Whether ``name`` is a secret one, when a parser decided it on the wire bytes.
        private var secretName: SecretName

        /// Whether a name is secret, as far as is known yet (one byte: a field stays 33 bytes).
        enum SecretName: UInt8, Sendable {
            case unknown, no, yes
        }

        public init(name: String, value: String) {
            self.init(name: name, value: value, secretName: .unknown)
        }

        init(name: String, value: String, secretName: SecretName) {
            self.name = name
            self.value = value
            self.secretName = secretName
        }

        /// Whether this field carries a secret by its name (``SecretMasking/isSecretHeader(_:)``):
        /// `Authorization`, `X-Api-Key`, `Cookie`… A parsed field answers from what the parser
        /// found while it checked the name's bytes; others look at the name now.
        public var isSecret: Bool {
            switch secretName {
            case .yes: true
            case .no: false
            case .unknown: SecretMasking.isSecretHeader(name)
            }
        }

        // Equality and hashing are the name and value: the mark only caches what the name says.
        public static func == (lhs: Field, rhs: Field) -> Bool { lhs.name == rhs.name && lhs.value == rhs.value }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            hasher.combine(value)
        }
    }

    public private(set) var fields: [Field]

    public init() { fields = [] }

    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// Reserves room for `minimumCapacity` fields, so that building a head of known size
    /// allocates once instead of growing 1, 2, 4, 8, 16.
    public mutating func reserveCapacity(_ minimumCapacity: Int) {
        fields.reserveCapacity(minimumCapacity)
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// Appends a field, keeping any existing fields with the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Appends a field as a parser read it (its secret-name mark kept, so ``Field/isSecret`` need
    /// not read the name again).
    mutating func add(_ field: Field) {
        fields.append(field)
    }

    /// Whether a field's name is `name` (ASCII case-insensitive). Most names differ in length, which
    /// is decided here without a call (lookups run several times per request on the servers).
    @inline(__always)
    private static func isField(_ fieldName: String, named name: String, length: Int) -> Bool {
        fieldName.utf8.count == length && fieldName.caseInsensitiveEquals(name)
    }

    /// Replaces every field named `name` with a single field (appended if none existed).
    public mutating func replaceOrAdd(name: String, value: String) {
        let length = name.utf8.count
        if let index = fields.firstIndex(where: { Self.isField($0.name, named: name, length: length) }) {
            fields[index].value = value
            var next = index + 1
            while next < fields.count {
                if Self.isField(fields[next].name, named: name, length: length) { fields.remove(at: next) } else { next += 1 }
            }
        } else {
            add(name: name, value: value)
        }
    }

    /// Removes every field named `name`.
    public mutating func remove(name: String) {
        let length = name.utf8.count
        fields.removeAll { Self.isField($0.name, named: name, length: length) }
    }

    /// The first value of the field named `name`, compared case-insensitively.
    public subscript(name: String) -> String? {
        get {
            let length = name.utf8.count
            for i in fields.indices where Self.isField(fields[i].name, named: name, length: length) { return fields[i].value }
            return nil
        }
        set {
            if let newValue { replaceOrAdd(name: name, value: newValue) } else { remove(name: name) }
        }
    }

    /// Every value of the fields named `name`, in order.
    public func values(for name: String) -> [String] {
        let length = name.utf8.count
        return fields.filter { Self.isField($0.name, named: name, length: length) }.map(\.value)
    }

    /// Whether `name` is present.
    public func contains(_ name: String) -> Bool {
        let length = name.utf8.count
        for i in fields.indices where Self.isField(fields[i].name, named: name, length: length) { return true }
        return false
    }

    /// Whether a comma-separated header (such as `Connection`) lists `token`, case-insensitively.
    /// Does not allocate (asked for `Connection` on every response).
    public func containsToken(_ token: String, in name: String) -> Bool {
        let length = name.utf8.count
        for i in fields.indices where Self.isField(fields[i].name, named: name, length: length) {
            var rest = Substring(fields[i].value)
            while true {
                let comma = rest.firstIndex(of: ",")
                var item = rest[..<(comma ?? rest.endIndex)]
                while let first = item.first, first == " " || first == "\t" { item.removeFirst() }
                while let last = item.last, last == " " || last == "\t" { item.removeLast() }
                if item.caseInsensitiveEquals(token) { return true }
                guard let comma else { break }
                rest = rest[rest.index(after: comma)...]
            }
        }
        return false
    }

    public var description: String {
        fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }
}

extension StringProtocol {
    /// ASCII case-insensitive comparison, as HTTP field names require.
    ///
    /// Runs on every header lookup of every request, so native strings are compared over their
    /// contiguous UTF-8 storage instead of through a generic iterator.
    @inlinable
    public func caseInsensitiveEquals(_ other: some StringProtocol) -> Bool {
        let a = self.utf8
        let b = other.utf8
        guard a.count == b.count else { return false }
        let fast = a.withContiguousStorageIfAvailable { pa in
            b.withContiguousStorageIfAvailable { pb in asciiCaseInsensitiveEqual(pa, pb) }
        }
        if let fast, let result = fast { return result }
        for (x, y) in zip(a, b) where x != y {
            let lx = (x >= 65 && x <= 90) ? x | 0x20 : x
            let ly = (y >= 65 && y <= 90) ? y | 0x20 : y
            if lx != ly { return false }
        }
        return true
    }

    /// The string without leading and trailing spaces and horizontal tabs.
    public func trimmingSpaces() -> String {
        // Over UTF-8 (space and tab are single bytes that never occur inside another character's
        // encoding); the string itself when there is nothing to trim.
        let utf8 = self.utf8
        var start = utf8.startIndex
        while start < utf8.endIndex, utf8[start] == 0x20 || utf8[start] == 0x09 { start = utf8.index(after: start) }
        // One forward pass (a generic UTF8View only walks forward): the end follows the last other byte.
        var end = start, i = start
        while i < utf8.endIndex {
            let b = utf8[i]
            i = utf8.index(after: i)
            if b != 0x20, b != 0x09 { end = i }
        }
        if start == utf8.startIndex, end == utf8.endIndex { return String(self) }
        return String(decoding: utf8[start..<end], as: UTF8.self)
    }
}

/// Whether two equally long byte runs are equal ignoring ASCII case.
@usableFromInline
func asciiCaseInsensitiveEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    for i in 0..<a.count {
        let x = a[i]
        let y = b[i]
        if x == y { continue }
        let lx = (x >= 65 && x <= 90) ? x | 0x20 : x
        let ly = (y >= 65 && y <= 90) ? y | 0x20 : y
        if lx != ly { return false }
    }
    return true
}
