/// Parses one JSON document (a jsonl line, an LMDB label value) into a `JSONValue` the way
/// Python's `json.loads` does, which is what MMOCR's LineJsonParser and the reference LMDB
/// converter use: object key order kept (a repeated key keeps its first place and takes the last
/// value), integers kept apart from floats, `NaN`/`Infinity`/`-Infinity` accepted, control
/// characters inside strings rejected, surrounding JSON whitespace allowed.
public struct JSONReader {
    /// Why a document is not JSON, with the 0-based byte offset where parsing stopped.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var offset: Int
        public var message: String
        public var description: String { "\(message) at byte \(offset + 1)" }
    }

    /// The document's bytes, borrowed for the parse (every entry point below lends them).
    private let b: UnsafeBufferPointer<UInt8>
    private var i = 0
    private let end: Int

    private init(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>? = nil) {
        b = bytes
        // Indexing is unchecked: every read below tests against `end`, which never passes the buffer.
        end = min(range?.upperBound ?? bytes.count, bytes.count)
        i = min(range?.lowerBound ?? 0, end)
    }

    /// Parses a whole document; trailing non-whitespace is an error ("extra data").
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { try parseWhole($0, range: nil) }
    }

    /// Parses a whole document held in a string (a decoded line), without copying its bytes.
    public static func parse(_ text: String) throws -> JSONValue {
        var text = text
        return try text.withUTF8 { try parseWhole($0, range: nil) }
    }

    /// Parses the one JSON value that starts at byte `offset` (after JSON whitespace) and returns
    /// it with the offset just past it, so a caller can walk a large document element by element
    /// (and say where each one is) without building the whole tree.
    public static func parsePrefix(_ bytes: [UInt8], at offset: Int) throws -> (value: JSONValue, end: Int) {
        try bytes.withUnsafeBufferPointer { buf in
            var r = JSONReader(buf)
            r.i = offset
            r.skipSpace()
            let v = try r.value(depth: 0)
            return (v, r.i)
        }
    }

    /// Parses the single value in `range` of `bytes` (a member `members` found). Offsets in
    /// errors are offsets into `bytes`.
    public static func parse(_ bytes: [UInt8], range: Range<Int>) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { try parseWhole($0, range: range) }
    }

    private static func parseWhole(_ buf: UnsafeBufferPointer<UInt8>, range: Range<Int>?) throws -> JSONValue {
        var r = JSONReader(buf, range: range)
        r.skipSpace()
        let v = try r.value(depth: 0)
        r.skipSpace()
        if r.i < r.end { throw Failure(offset: r.i, message: "extra data after the JSON value") }
        return v
    }

    /// The members of the object in `range` of `bytes` (the whole document by default), in file
    /// order, each with its value's byte range; values are skipped, not built, so a large
    /// document can be indexed in a fraction of its parsed size and its entries parsed one at a
    /// time. Strings, brackets and the object's own syntax are checked; a value's content is
    /// checked when it is parsed. A repeated key is listed twice (callers index by key, the last
    /// one wins, as `json.loads`).
    public static func members(_ bytes: [UInt8], range: Range<Int>? = nil) throws -> [(key: String, value: Range<Int>)] {
        try bytes.withUnsafeBufferPointer { buf in
            var r = JSONReader(buf, range: range)
            r.skipSpace()
            guard r.i < r.end, r.b[r.i] == 0x7B else { throw r.fail("expecting an object") }
            r.i += 1
            var out: [(key: String, value: Range<Int>)] = []
            r.skipSpace()
            if r.i < r.end, r.b[r.i] == 0x7D { return out }
            while true {
                r.skipSpace()
                guard r.i < r.end, r.b[r.i] == 0x22 else { throw r.fail("expecting a property name in double quotes") }
                let key = try r.string()
                r.skipSpace()
                guard r.i < r.end, r.b[r.i] == 0x3A else { throw r.fail("expecting ':' delimiter") }
                r.i += 1
                r.skipSpace()
                let start = r.i
                try r.skipValue()
                out.append((key, start..<r.i))
                r.skipSpace()
                guard r.i < r.end else { throw r.fail("expecting ',' delimiter") }
                if r.b[r.i] == 0x2C { r.i += 1; continue }
                if r.b[r.i] == 0x7D { return out }
                throw r.fail("expecting ',' delimiter")
            }
        }
    }

    /// The elements of the array in `range` of `bytes`, each as its byte range, values skipped
    /// (see `members`).
    public static func elements(_ bytes: [UInt8], range: Range<Int>) throws -> [Range<Int>] {
        try bytes.withUnsafeBufferPointer { buf in
            var r = JSONReader(buf, range: range)
            r.skipSpace()
            guard r.i < r.end, r.b[r.i] == 0x5B else { throw r.fail("expecting an array") }
            r.i += 1
            var out: [Range<Int>] = []
            r.skipSpace()
            if r.i < r.end, r.b[r.i] == 0x5D { return out }
            while true {
                r.skipSpace()
                let start = r.i
                try r.skipValue()
                out.append(start..<r.i)
                r.skipSpace()
                guard r.i < r.end else { throw r.fail("expecting ',' delimiter") }
                if r.b[r.i] == 0x2C { r.i += 1; continue }
                if r.b[r.i] == 0x5D { return out }
                throw r.fail("expecting ',' delimiter")
            }
        }
    }

    /// Moves past one value without building it.
    private mutating func skipValue() throws {
        guard i < end else { throw fail("expecting a value") }
        switch b[i] {
        case 0x22:
            try skipString()
        case 0x7B, 0x5B:
            var depth = 0
            while i < end {
                switch b[i] {
                case 0x22: try skipString(); continue
                case 0x7B, 0x5B: depth += 1
                case 0x7D, 0x5D:
                    depth -= 1
                    if depth == 0 { i += 1; return }
                default: break
                }
                i += 1
            }
            throw fail("unterminated object or array")
        default:
            let start = i
            while i < end, !(b[i] == 0x2C || b[i] == 0x7D || b[i] == 0x5D || b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09) { i += 1 }
            if i == start { throw fail("expecting a value") }
        }
    }

    private mutating func skipString() throws {
        i += 1
        while i < end {
            if b[i] == 0x5C { i += 2; continue }
            if b[i] == 0x22 { i += 1; return }
            i += 1
        }
        throw Failure(offset: end, message: "unterminated string")
    }

    private mutating func skipSpace() {
        while i < end, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
    }

    private func fail(_ message: String) -> Failure { Failure(offset: i, message: message) }

    private mutating func literal(_ word: String, _ v: JSONValue) throws -> JSONValue {
        let w = Array(word.utf8)
        guard i + w.count <= end, Array(b[i..<i + w.count]) == w else { throw fail("expecting a value") }
        i += w.count
        return v
    }

    private mutating func value(depth: Int) throws -> JSONValue {
        guard depth < 512 else { throw fail("nested too deeply") }
        guard i < end else { throw fail("expecting a value") }
        switch b[i] {
        case 0x7B: return try object(depth: depth)
        case 0x5B: return try array(depth: depth)
        case 0x22: return .string(try string())
        case 0x6E: return try literal("null", .null)
        case 0x74: return try literal("true", .bool(true))
        case 0x66: return try literal("false", .bool(false))
        case 0x4E: return try literal("NaN", .double(.nan))
        case 0x49: return try literal("Infinity", .double(.infinity))
        case 0x2D where i + 1 < end && b[i + 1] == 0x49:
            i += 1
            return try literal("Infinity", .double(-.infinity))
        case 0x2D, 0x30...0x39: return try number()
        default: throw fail("expecting a value")
        }
    }

    private mutating func object(depth: Int) throws -> JSONValue {
        i += 1
        var pairs: [(String, JSONValue)] = []
        // Repeated keys are found by a linear scan while the object is small and through an index
        // once it is large (a dataset JSON maps hundreds of thousands of ids: a scan per key
        // would be quadratic).
        var index: [String: Int]? = nil
        skipSpace()
        if i < end, b[i] == 0x7D { i += 1; return .object(pairs) }
        while true {
            skipSpace()
            guard i < end, b[i] == 0x22 else { throw fail("expecting a property name in double quotes") }
            let key = try string()
            skipSpace()
            guard i < end, b[i] == 0x3A else { throw fail("expecting ':' delimiter") }
            i += 1
            skipSpace()
            let v = try value(depth: depth + 1)
            if index == nil && pairs.count >= 32 {
                index = Dictionary(pairs.enumerated().map { ($0.element.0, $0.offset) }, uniquingKeysWith: { a, _ in a })
            }
            if index != nil {
                if let k = index![key] { pairs[k].1 = v } else { index![key] = pairs.count; pairs.append((key, v)) }
            } else if let k = pairs.firstIndex(where: { $0.0 == key }) {
                pairs[k].1 = v
            } else {
                pairs.append((key, v))
            }
            skipSpace()
            guard i < end else { throw fail("expecting ',' delimiter") }
            if b[i] == 0x2C { i += 1; continue }
            if b[i] == 0x7D { i += 1; return .object(pairs) }
            throw fail("expecting ',' delimiter")
        }
    }

    private mutating func array(depth: Int) throws -> JSONValue {
        i += 1
        var items: [JSONValue] = []
        skipSpace()
        if i < end, b[i] == 0x5D { i += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value(depth: depth + 1))
            skipSpace()
            guard i < end else { throw fail("expecting ',' delimiter") }
            if b[i] == 0x2C { i += 1; continue }
            if b[i] == 0x5D { i += 1; return .array(items) }
            throw fail("expecting ',' delimiter")
        }
    }

    private mutating func number() throws -> JSONValue {
        let start = i
        if b[i] == 0x2D { i += 1 }
        guard i < end, (0x30...0x39).contains(b[i]) else { throw Failure(offset: start, message: "expecting a value") }
        if b[i] == 0x30 { i += 1 } else { while i < end, (0x30...0x39).contains(b[i]) { i += 1 } }
        var isFloat = false
        if i + 1 < end, b[i] == 0x2E, (0x30...0x39).contains(b[i + 1]) {
            isFloat = true
            i += 1
            while i < end, (0x30...0x39).contains(b[i]) { i += 1 }
        }
        if i < end, b[i] == 0x65 || b[i] == 0x45 {
            var j = i + 1
            if j < end, b[j] == 0x2B || b[j] == 0x2D { j += 1 }
            if j < end, (0x30...0x39).contains(b[j]) {
                isFloat = true
                i = j
                while i < end, (0x30...0x39).contains(b[i]) { i += 1 }
            }
        }
        let text = String(decoding: b[start..<i], as: UTF8.self)
        if !isFloat, let n = Int(text) { return .int(n) }
        // Integers beyond 64 bits (Python keeps them exact) degrade to the nearest double.
        guard let d = Double(text) else { throw Failure(offset: start, message: "bad number") }
        return .double(d)
    }

    private mutating func hex4() throws -> UInt32 {
        guard let v = Self.hex4(b, at: i, end: end) else { throw fail("invalid \\uXXXX escape") }
        i += 4
        return v
    }

    /// The four hex digits of a `\uXXXX` escape at `i` (before `end`), or nil.
    public static func hex4(_ b: UnsafeBufferPointer<UInt8>, at i: Int, end: Int) -> UInt32? {
        guard i + 4 <= end else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = b[i + k]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    private mutating func string() throws -> String {
        i += 1
        var runStart = i
        // The usual string holds no escape: it is made straight from the document's bytes.
        while i < end {
            let c = b[i]
            if c == 0x22 {
                i += 1
                guard let s = TextEncoding.utf8String(UnsafeBufferPointer(rebasing: b[runStart..<i - 1])) else { throw fail("string is not valid UTF-8") }
                return s
            }
            if c == 0x5C { break }
            if c < 0x20 { throw fail("invalid control character in a string") }
            i += 1
        }
        var out: [UInt8] = []
        while true {
            guard i < end else { throw Failure(offset: runStart - 1, message: "unterminated string") }
            let c = b[i]
            if c == 0x22 {
                out.append(contentsOf: b[runStart..<i])
                i += 1
                break
            }
            if c < 0x20 { throw fail("invalid control character in a string") }
            if c != 0x5C { i += 1; continue }
            out.append(contentsOf: b[runStart..<i])
            i += 1
            guard i < end else { throw fail("unterminated string") }
            let e = b[i]
            i += 1
            switch e {
            case 0x22: out.append(0x22)
            case 0x5C: out.append(0x5C)
            case 0x2F: out.append(0x2F)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var u = try hex4()
                if (0xD800...0xDBFF).contains(u), i + 6 <= end, b[i] == 0x5C, b[i + 1] == 0x75 {
                    let save = i
                    i += 2
                    let lo = try hex4()
                    if (0xDC00...0xDFFF).contains(lo) { u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00) } else { i = save }
                }
                // Python accepts a lone surrogate; a Swift string cannot hold one.
                guard let scalar = Unicode.Scalar(u) else { throw fail("lone surrogate \\u\(String(u, radix: 16)) in a string") }
                out.append(contentsOf: Array(String(scalar).utf8))
            default:
                i -= 1
                throw fail("invalid escape")
            }
            runStart = i
        }
        guard let s = out.withUnsafeBufferPointer(TextEncoding.utf8String) else { throw fail("string is not valid UTF-8") }
        return s
    }
}
