/// A layout template (`annotations/{split}/gt_{stem}.txt`) read once: `{split}` filled in, the
/// rest cut into literal runs and name keys, so a gatherer expands it for every image without
/// scanning it again (expanding each template from scratch was a tenth of a det conversion's
/// instructions). `expandTemplate` is this type's one-off use; the keys are listed there.
public struct LayoutTemplate: Sendable {
    /// The name-derived values a template can hold.
    enum Key: UInt8, Sendable { case name, stem, stem1, number, head }

    /// Literal bytes of all the runs, one after another.
    private let literal: [UInt8]
    /// The template in order: a literal run (`key == nil`: `literal[start..<start + count]`) or a key.
    private let parts: [(key: Key?, start: Int, count: Int)]
    /// How many name keys the template holds.
    private let keyCount: Int
    /// The whole expansion when the template holds no name key.
    private let constant: String?

    public init(_ template: String, split: String) {
        var literal: [UInt8] = [], parts: [(key: Key?, start: Int, count: Int)] = []
        func addLiteral<C: Collection>(_ bytes: C) where C.Element == UInt8 {
            guard !bytes.isEmpty else { return }
            if let last = parts.last, last.key == nil {
                parts[parts.count - 1].count += bytes.count
            } else {
                parts.append((nil, literal.count, bytes.count))
            }
            literal.append(contentsOf: bytes)
        }
        let t = Array(template.utf8)
        var i = 0
        while i < t.count {
            // As expandTemplate always read it: from a `{` to the next `}`; an unknown key, or a
            // `{` without `}`, is kept as written.
            guard t[i] == 0x7B, let close = t[i...].firstIndex(of: 0x7D) else {
                addLiteral(CollectionOfOne(t[i])); i += 1
                continue
            }
            switch String(decoding: t[(i + 1)..<close], as: UTF8.self) {
            case "split": addLiteral(Array(split.utf8))
            case "name": parts.append((.name, 0, 0))
            case "stem": parts.append((.stem, 0, 0))
            case "stem1": parts.append((.stem1, 0, 0))
            case "number": parts.append((.number, 0, 0))
            case "head": parts.append((.head, 0, 0))
            default: addLiteral(t[i...close])
            }
            i = close + 1
        }
        self.literal = literal
        self.parts = parts
        keyCount = parts.reduce(0) { $0 + ($1.key == nil ? 0 : 1) }
        constant = keyCount > 0 ? nil : String(decoding: literal, as: UTF8.self)
    }

    /// The template for the image named `name`.
    public func expand(name: String) -> String {
        if let constant { return constant }
        var name = name
        return name.withUTF8 { n in withExpansion(name: n) { String(decoding: $0, as: UTF8.self) } }
    }

    /// `body` applied to the expansion's bytes for the image whose name has the UTF-8 bytes `n`
    /// (valid UTF-8), in a temporary buffer: no String (gatherers expand every name of a listing).
    public func withExpansion<R>(name n: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let ascii = !n.contains(where: { $0 >= 0x80 })
        let capacity = literal.count + keyCount * n.count + 1
        // The template's arrays borrowed as pointers before the buffer's closure: captured as
        // they are, each call copied (retained and released) the template's three fields.
        return try literal.withUnsafeBufferPointer { lit in
            try parts.withUnsafeBufferPointer { parts in
                // A key's value is never longer than the name (non-ASCII values are made from it too).
                try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { out -> R in
                    let o = out.baseAddress!
                    var count = 0
                    for p in parts {
                        guard let key = p.key else {
                            (o + count).update(from: lit.baseAddress! + p.start, count: p.count)
                            count += p.count
                            continue
                        }
                        if ascii {
                            let r = Self.asciiRange(key, in: n)
                            if !r.isEmpty { (o + count).update(from: n.baseAddress! + r.lowerBound, count: r.count) }
                            count += r.count
                        } else {
                            var value = Self.value(key, name: String(decoding: n, as: UTF8.self))
                            value.withUTF8 { v in
                                if let base = v.baseAddress { (o + count).update(from: base, count: v.count) }
                                count += v.count
                            }
                        }
                    }
                    return try body(UnsafeBufferPointer(start: o, count: count))
                }
            }
        }
    }

    /// A key's value in an ASCII name, as a range of its bytes (every value is one).
    static func asciiRange(_ key: Key, in n: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        func before(_ byte: UInt8) -> Range<Int> { 0..<(n.firstIndex(of: byte) ?? n.count) }
        switch key {
        case .name: return 0..<n.count
        case .stem:
            guard let dot = n.lastIndex(of: 0x2E), dot != 0 else { return 0..<n.count }
            return 0..<dot
        case .stem1: return before(0x2E)
        case .head: return before(0x5F)
        case .number:
            guard let first = n.firstIndex(where: { $0 >= 0x30 && $0 <= 0x39 }) else { return 0..<0 }
            var end = first
            while end < n.count, n[end] >= 0x30, n[end] <= 0x39 { end += 1 }
            var start = first
            while start < end - 1, n[start] == 0x30 { start += 1 }   // "000" → "0"
            return start..<end
        }
    }

    /// A key's value in a name that is not ASCII, by Characters (a separator followed by a
    /// combining mark is then no separator).
    static func value(_ key: Key, name: String) -> String {
        switch key {
        case .name: return name
        case .stem: return stemOf(name)
        case .stem1: return String(prefix(of: name, before: "."))
        case .number: return numberIn(name)
        case .head: return String(prefix(of: name, before: "_"))
        }
    }

    /// `name` up to the first `separator`, or all of it.
    private static func prefix(of name: String, before separator: Character) -> Substring {
        name.split(separator: separator, maxSplits: 1, omittingEmptySubsequences: false).first ?? name[...]
    }
}
