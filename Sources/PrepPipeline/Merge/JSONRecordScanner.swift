import Foundation
import PrepCore

/// Byte-level reading of the JSON documents prep writes (COCO, MMOCR 1.x): the document around
/// its top-level record arrays (`JSONArrayCursor` reads the records, `JSONIntFields` renumbers
/// them). Bytes are kept as written, so a merged file can equal the unsharded one exactly.
enum JSONRecordScanner {
    /// The document with the contents of the top-level arrays `keys` cut out: one more segment
    /// than arrays, in document order (`{"images": [` · `], "categories": …, "annotations": [` · `]}`).
    static func skeleton(_ url: URL, keys: [String], chunk: Int = 1 << 20) throws -> [[UInt8]] {
        let s = try ByteStream(url, chunk: chunk)
        var lex = JSONLexer()
        let wanted = keys.map { Array($0.utf8) }
        var segments: [[UInt8]] = [[]]
        var found: [String] = []
        while true {
            // Kept bytes, up to a wanted top-level array's `[` (included).
            var opened: Int?
            let more = s.scan(into: &segments[segments.count - 1]) { b in
                guard lex.feed(b) == .open, b == 0x5B, lex.depth == 2 else { return false }
                opened = wanted.firstIndex { $0 == lex.lastKey }
                return opened != nil
            }
            guard more, let k = opened else { break }
            found.append(keys[k])
            // The array's contents are dropped; its `]` starts the next segment.
            guard s.skip(until: { lex.feed($0) == .close && lex.depth == 1 }) else { break }
            segments.append([0x5D])
        }
        guard found == keys else {
            throw PrepError.input(file: url.path, line: nil, reason: "expected the top-level arrays \(keys.joined(separator: ", ")), found \(found.joined(separator: ", "))")
        }
        return segments
    }

}

/// Top-level integer fields of the JSON objects a merge renumbers (COCO's `id`, `image_id`),
/// found and replaced by byte scanning; the keys are matched as bytes (this runs once per
/// record, so no String or dictionary per record).
struct JSONIntFields {
    typealias Found = [(value: Int, range: Range<Int>)?]
    let names: [String]
    private let keys: [[UInt8]]

    init(_ names: [String]) {
        self.names = names
        keys = names.map { Array($0.utf8) }
    }

    /// Each key's integer value and its bytes' range in `object` (in `names` order), nil when
    /// the object has no such top-level integer field; one pass, stopping when all are found.
    func find(in object: [UInt8]) -> Found {
        var found = Found(repeating: nil, count: keys.count)
        var missing = keys.count
        object.withUnsafeBufferPointer { o in
            var depth = 0, i = 0
            var expectKey = false
            while i < o.count && missing > 0 {
                let b = o[i]
                if b == 0x22 {
                    // A string: read to its closing quote.
                    var j = i + 1, escape = false
                    while j < o.count {
                        if escape { escape = false } else if o[j] == 0x5C { escape = true } else if o[j] == 0x22 { break }
                        j += 1
                    }
                    if depth == 1 && expectKey, let t = keys.firstIndex(where: { k in
                        k.count == j - i - 1 && k.withUnsafeBufferPointer { memcmp($0.baseAddress!, o.baseAddress! + i + 1, k.count) == 0 }
                    }) {
                        var k = j + 1
                        while k < o.count, o[k] == 0x20 || o[k] == 0x3A { k += 1 }
                        var e = k, value = 0, negative = false, digits = 0
                        if e < o.count, o[e] == 0x2D { negative = true; e += 1 }
                        while e < o.count, o[e] >= 0x30 && o[e] <= 0x39 { value = value &* 10 &+ Int(o[e] - 0x30); e += 1; digits += 1 }
                        if digits > 0 && digits <= 18 && found[t] == nil {
                            found[t] = (negative ? -value : value, k..<e)
                            missing -= 1
                        }
                        i = e
                        expectKey = false
                        continue
                    }
                    expectKey = false
                    i = j + 1
                    continue
                }
                switch b {
                case 0x7B, 0x5B: depth += 1; expectKey = depth == 1 && b == 0x7B
                case 0x7D, 0x5D: depth -= 1
                case 0x2C: if depth == 1 { expectKey = true }
                default: break
                }
                i += 1
            }
        }
        return found
    }

    /// Appends `object` to `out` with the fields `find` found replaced by `values` (in `names`
    /// order), straight into the output buffer (no record copy); a field that is not there is an
    /// error naming `file`.
    func append(_ values: [Int], in object: [UInt8], found: Found, file: URL, to out: inout [UInt8]) throws {
        var edits: [(range: Range<Int>, value: Int)] = []
        edits.reserveCapacity(values.count)
        for (k, value) in values.enumerated() {
            guard let f = found[k] else {
                throw PrepError.input(file: file.path, line: nil, reason: "a record has no integer '\(names[k])'")
            }
            edits.append((f.range, value))
        }
        if edits.count == 2 && edits[1].range.lowerBound < edits[0].range.lowerBound { edits.swapAt(0, 1) }
        else if edits.count > 2 { edits.sort { $0.range.lowerBound < $1.range.lowerBound } }
        var at = 0
        for e in edits {
            out.append(contentsOf: object[at..<e.range.lowerBound])
            Self.appendDecimal(e.value, to: &out)
            at = e.range.upperBound
        }
        out.append(contentsOf: object[at...])
    }

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 0 { out.append(0x2D) }
        var v = value.magnitude
        // Most significant digit first, straight into `out` (no array per number).
        var divisor: UInt = 1
        while divisor <= v / 10 { divisor *= 10 }
        repeat {
            out.append(UInt8(48 + (v / divisor) % 10))
            divisor /= 10
        } while divisor > 0
    }
}

/// The lexical state of a JSON document fed byte by byte: the nesting depth, strings, and the
/// last string read at depth 1 (the current top-level key).
struct JSONLexer {
    enum Event { case other, open, close }
    private(set) var depth = 0
    private var inString = false, escape = false, collecting = false
    private(set) var lastKey: [UInt8] = []

    @inline(__always)
    mutating func feed(_ b: UInt8) -> Event {
        if inString {
            if escape { escape = false } else if b == 0x5C { escape = true } else if b == 0x22 { inString = false; collecting = false }
            else if collecting { lastKey.append(b) }
            return .other
        }
        switch b {
        case 0x22:
            inString = true
            if depth == 1 { collecting = true; lastKey.removeAll(keepingCapacity: true) }
        case 0x7B, 0x5B: depth += 1; return .open
        case 0x7D, 0x5D: depth -= 1; return .close
        default: break
        }
        return .other
    }
}

/// The records of one top-level array of a JSON document, read one at a time.
final class JSONArrayCursor {
    private let stream: ByteStream
    private var done = false
    let url: URL

    /// Opens `url` positioned on the contents of the top-level array `key`.
    init(_ url: URL, key: String, chunk: Int = 1 << 20) throws {
        self.url = url
        stream = try ByteStream(url, chunk: chunk)
        var lex = JSONLexer()
        let wanted = Array(key.utf8)
        guard stream.skip(until: { lex.feed($0) == .open && $0 == 0x5B && lex.depth == 2 && lex.lastKey == wanted }) else {
            throw PrepError.input(file: url.path, line: nil, reason: "no top-level array '\(key)'")
        }
    }

    /// The next record's bytes, nil after the last.
    func next() throws -> [UInt8]? {
        guard !done else { return nil }
        var first: UInt8?
        while let b = stream.next() {
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0x2C { continue }
            first = b
            break
        }
        guard let start = first else { throw PrepError.input(file: url.path, line: nil, reason: "the document ends inside an array") }
        if start == 0x5D { done = true; return nil }
        var out: [UInt8] = [start]
        var depth = (start == 0x7B || start == 0x5B) ? 1 : 0
        var inString = start == 0x22, escape = false
        if inString || depth > 0 {
            // Scanned in buffer runs (`ByteStream.scan`): this loop is most of a JSON merge's work.
            let closed = stream.scan(into: &out) { b in
                if inString {
                    if escape { escape = false } else if b == 0x5C { escape = true } else if b == 0x22 { inString = false; return depth == 0 }
                    return false
                }
                switch b {
                case 0x22: inString = true
                case 0x7B, 0x5B: depth += 1
                case 0x7D, 0x5D: depth -= 1; return depth == 0
                default: break
                }
                return false
            }
            guard closed else { throw PrepError.input(file: url.path, line: nil, reason: "the document ends inside a record") }
            return out
        }
        // A scalar: up to the next separator.
        while let b = stream.next() {
            if b == 0x2C { return out }
            if b == 0x5D { done = true; return out }
            if b != 0x20 && b != 0x0A { out.append(b) }
        }
        return out
    }
}
