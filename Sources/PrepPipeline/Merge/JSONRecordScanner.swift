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
            var state = JSONScanState(depth: 1), none: [UInt8] = []
            guard s.scanJSONValue(into: &none, state: &state, keep: false) else { break }
            lex.skippedValue()
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
    /// Each key's value and the range of its digits, for the (at most two) keys: inline, not an
    /// array (an array per record was a tenth of a COCO merge's CPU).
    struct Found {
        private var first: (value: Int, range: Range<Int>)?
        private var second: (value: Int, range: Range<Int>)?
        subscript(k: Int) -> (value: Int, range: Range<Int>)? {
            get { k == 0 ? first : second }
            set { if k == 0 { first = newValue } else { second = newValue } }
        }
    }

    let names: [String]
    private let keys: [[UInt8]]

    init(_ names: [String]) {
        precondition((1...2).contains(names.count), "JSONIntFields holds one or two keys")
        self.names = names
        keys = names.map { Array($0.utf8) }
    }

    /// Each key's integer value and its bytes' range in `object` (in `names` order), nil when
    /// the object has no such top-level integer field; one pass, stopping when all are found.
    func find(in object: [UInt8]) -> Found {
        object.withUnsafeBufferPointer { find(in: $0) }
    }

    /// `find` on bytes in place (a record still in the merge's read buffer).
    func find(in o: UnsafeBufferPointer<UInt8>) -> Found {
        if let f = findAtEnd(in: o) { return f }
        var found = Found()
        var missing = keys.count
        JSONByteClass.table.withUnsafeBufferPointer { cls in
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
                // Digits, spaces and letters outside strings change nothing: skipped by table.
                while i < o.count && cls[Int(o[i])] == 0 { i += 1 }
            }
        }
        return found
    }

    /// The fields when the object ends with them in `names` order, as prep's COCO writer puts
    /// them (`…, "image_id": 3, "id": 17}`), read backwards from the closing brace (a record's
    /// end is all the merge needs to look at); nil for any other layout (then `find` scans
    /// forwards). Sound without a forward scan: the quotes around each key are not preceded by a
    /// backslash, so they are real string delimiters, and nothing but `: digits, ` stands between
    /// the keys and the brace that closes the record, so they are its own top-level keys.
    private func findAtEnd(in o: UnsafeBufferPointer<UInt8>) -> Found? {
        var i = o.count - 1
        guard i > 0, o[i] == 0x7D else { return nil }
        i -= 1
        var found = Found()
        for k in keys.indices.reversed() {
            let end = i + 1
            var value = 0, scale = 1
            while i >= 0, o[i] >= 0x30 && o[i] <= 0x39, end - i <= 18 {
                value += Int(o[i] - 0x30) * scale; scale &*= 10; i -= 1
            }
            guard i < end - 1, i >= 2, o[i] == 0x20, o[i - 1] == 0x3A, o[i - 2] == 0x22 else { return nil }
            let valueRange = (i + 1)..<end
            i -= 3
            // The key's bytes end at i (compared with memcmp: iterating the key array reversed
            // was most of this function's instructions).
            let same = keys[k].withUnsafeBufferPointer { key in
                i + 1 >= key.count + 3 && memcmp(key.baseAddress!, o.baseAddress! + i + 1 - key.count, key.count) == 0
            }
            guard same else { return nil }
            i -= keys[k].count
            guard o[i] == 0x22, o[i - 1] == 0x20, o[i - 2] == 0x2C else { return nil }
            i -= 3
            found[k] = (value, valueRange)
        }
        return found
    }

    /// Appends `object` to `out` with the fields `find` found replaced by `first` and `second`
    /// (the values of `names` in order; `second` only for two names), straight into the output
    /// buffer (no record copy); a field that is not there is an error naming `file`.
    func append<Out: MergedBytes>(_ first: Int, _ second: Int = 0, in object: [UInt8], found: Found, file: @autoclosure () -> URL, to out: inout Out) throws {
        try object.withUnsafeBufferPointer { try append(first, second, in: $0, found: found, file: file(), to: &out) }
    }

    /// `append` from bytes in place (a record still in the merge's read buffer).
    @inline(__always)
    func append<Out: MergedBytes>(_ first: Int, _ second: Int = 0, in object: UnsafeBufferPointer<UInt8>, found: Found,
                                  file: @autoclosure () -> URL, to out: inout Out) throws {
        let count = keys.count
        for k in 0..<count where found[k] == nil {
            throw PrepError.input(file: file().path, line: nil, reason: "a record has no integer '\(names[k])'")
        }
        // The fields in file order, each replaced (no array of edits per record).
        var at = 0
        while true {
            var next = -1
            for k in 0..<count where found[k]!.range.lowerBound >= at && (next < 0 || found[k]!.range.lowerBound < found[next]!.range.lowerBound) { next = k }
            guard next >= 0 else { break }
            let r = found[next]!.range
            try out.append(bytes: UnsafeBufferPointer(rebasing: object[at..<r.lowerBound]))
            try out.append(decimal: next == 0 ? first : second)
            at = r.upperBound
        }
        try out.append(bytes: UnsafeBufferPointer(rebasing: object[at..<object.count]))
    }
}

/// The lexical state of a JSON document fed byte by byte: the nesting depth, strings, and the
/// last string read at depth 1 (the current top-level key).
struct JSONLexer {
    enum Event { case other, open, close }
    private(set) var depth = 0
    private var inString = false, escape = false, collecting = false
    private(set) var lastKey: [UInt8] = []

    /// The value just opened (depth 2) was consumed elsewhere, its closing byte included.
    mutating func skippedValue() { depth -= 1 }

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
        while true {
            var opener: UInt8 = 0
            guard stream.skip(until: { b in
                guard lex.feed(b) == .open && lex.depth == 2 else { return false }
                opener = b
                return true
            }) else {
                throw PrepError.input(file: url.path, line: nil, reason: "no top-level array '\(key)'")
            }
            if opener == 0x5B && lex.lastKey == wanted { return }
            // Another top-level list or object (the images before the annotations): skipped by
            // the table-driven value scan, not byte by byte through the lexer.
            var state = JSONScanState(depth: 1), none: [UInt8] = []
            guard stream.scanJSONValue(into: &none, state: &state, keep: false) else {
                throw PrepError.input(file: url.path, line: nil, reason: "the document ends inside '\(String(decoding: lex.lastKey, as: UTF8.self))'")
            }
            lex.skippedValue()
        }
    }

    /// The next record's bytes, nil after the last.
    func next() throws -> [UInt8]? {
        var out: [UInt8] = []
        return try next(into: &out) ? out : nil
    }

    /// Replaces `out`'s contents with the next record's bytes (the buffer is reused: no
    /// allocation per record); false after the last.
    func next(into out: inout [UInt8]) throws -> Bool {
        out.removeAll(keepingCapacity: true)
        guard !done else { return false }
        var first: UInt8?
        while let b = stream.next() {
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0x2C { continue }
            first = b
            break
        }
        guard let start = first else { throw PrepError.input(file: url.path, line: nil, reason: "the document ends inside an array") }
        if start == 0x5D { done = true; return false }
        out.append(start)
        var state = JSONScanState(depth: (start == 0x7B || start == 0x5B) ? 1 : 0, inString: start == 0x22)
        if state.in_string != 0 || state.depth > 0 {
            guard stream.scanJSONValue(into: &out, state: &state) else {
                throw PrepError.input(file: url.path, line: nil, reason: "the document ends inside a record")
            }
            return true
        }
        // A scalar: up to the next separator.
        while let b = stream.next() {
            if b == 0x2C { return true }
            if b == 0x5D { done = true; return true }
            if b != 0x20 && b != 0x0A { out.append(b) }
        }
        return true
    }
}
