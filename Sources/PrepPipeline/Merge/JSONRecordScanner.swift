import Foundation
import PrepCore

/// Byte-level reading of the JSON documents prep writes (COCO, MMOCR 1.x): the records of a
/// top-level array one by one, the document around those arrays, and top-level integer fields of
/// a record. Bytes are kept as written, so a merged file can equal the unsharded one exactly.
enum JSONRecordScanner {
    /// The document with the contents of the top-level arrays `keys` cut out: one more segment
    /// than arrays, in document order (`{"images": [` · `], "categories": …, "annotations": [` · `]}`).
    static func skeleton(_ url: URL, keys: [String]) throws -> [[UInt8]] {
        let s = try ByteStream(url)
        var segments: [[UInt8]] = [[]]
        var depth = 0, inString = false, escape = false
        var lastString: [UInt8] = [], collecting = false
        var skippingDepth: Int? = nil
        var found: [String] = []
        while let b = s.next() {
            if skippingDepth == nil { segments[segments.count - 1].append(b) }
            if inString {
                if escape { escape = false } else if b == 0x5C { escape = true } else if b == 0x22 { inString = false; collecting = false }
                else if collecting { lastString.append(b) }
                continue
            }
            switch b {
            case 0x22:
                inString = true
                if depth == 1 && skippingDepth == nil { collecting = true; lastString = [] }
            case 0x7B, 0x5B:
                depth += 1
                if b == 0x5B && depth == 2 && skippingDepth == nil, keys.contains(String(decoding: lastString, as: UTF8.self)) {
                    found.append(String(decoding: lastString, as: UTF8.self))
                    skippingDepth = depth
                }
            case 0x7D, 0x5D:
                if b == 0x5D && skippingDepth == depth {
                    skippingDepth = nil
                    segments.append([b])
                }
                depth -= 1
            default: break
            }
        }
        guard found == keys else {
            throw PrepError.input(file: url.path, line: nil, reason: "expected the top-level arrays \(keys.joined(separator: ", ")), found \(found.joined(separator: ", "))")
        }
        return segments
    }

    /// The integer values of the top-level `keys` of a JSON object's bytes, with their byte
    /// ranges, found in one pass (absent keys are missing from the result).
    static func intFields(_ keys: [String], in object: [UInt8]) -> [String: (value: Int, range: Range<Int>)] {
        let targets = keys.map { Array($0.utf8) }
        var found: [String: (value: Int, range: Range<Int>)] = [:]
        var depth = 0, i = 0
        var expectKey = false
        while i < object.count && found.count < keys.count {
            let b = object[i]
            if b == 0x22 {
                // A string: read to its closing quote.
                var j = i + 1, escape = false
                while j < object.count {
                    if escape { escape = false } else if object[j] == 0x5C { escape = true } else if object[j] == 0x22 { break }
                    j += 1
                }
                if depth == 1 && expectKey, let t = targets.firstIndex(where: { object[(i + 1)..<j].elementsEqual($0) }) {
                    var k = j + 1
                    while k < object.count, object[k] == 0x20 || object[k] == 0x3A { k += 1 }
                    var e = k
                    while e < object.count, object[e] == 0x2D || (object[e] >= 0x30 && object[e] <= 0x39) { e += 1 }
                    if let v = Int(String(decoding: object[k..<e], as: UTF8.self)) { found[keys[t]] = (v, k..<e) }
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
        return found
    }

    /// The object with top-level integer fields replaced (`fields` found by `intFields`).
    static func replacing(_ values: [(String, Int)], in object: [UInt8], fields: [String: (value: Int, range: Range<Int>)], file: URL) throws -> [UInt8] {
        var out = object
        var edits: [(Range<Int>, Int)] = []
        for (key, value) in values {
            guard let f = fields[key] else {
                throw PrepError.input(file: file.path, line: nil, reason: "a record has no integer '\(key)'")
            }
            edits.append((f.range, value))
        }
        // From the end, so earlier ranges stay valid.
        for (range, value) in edits.sorted(by: { $0.0.lowerBound > $1.0.lowerBound }) {
            out.replaceSubrange(range, with: Array(String(value).utf8))
        }
        return out
    }
}

/// The records of one top-level array of a JSON document, read one at a time.
final class JSONArrayCursor {
    private let stream: ByteStream
    private var done = false
    let url: URL

    /// Opens `url` positioned on the contents of the top-level array `key`.
    init(_ url: URL, key: String) throws {
        self.url = url
        stream = try ByteStream(url)
        var depth = 0, inString = false, escape = false, collecting = false
        var lastString: [UInt8] = []
        while let b = stream.next() {
            if inString {
                if escape { escape = false } else if b == 0x5C { escape = true } else if b == 0x22 { inString = false; collecting = false }
                else if collecting { lastString.append(b) }
                continue
            }
            switch b {
            case 0x22: inString = true; if depth == 1 { collecting = true; lastString = [] }
            case 0x7B, 0x5B:
                depth += 1
                if b == 0x5B && depth == 2 && lastString.elementsEqual(key.utf8) { return }
            case 0x7D, 0x5D: depth -= 1
            default: break
            }
        }
        throw PrepError.input(file: url.path, line: nil, reason: "no top-level array '\(key)'")
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
            while let b = stream.next() {
                out.append(b)
                if inString {
                    if escape { escape = false } else if b == 0x5C { escape = true } else if b == 0x22 { inString = false; if depth == 0 { return out } }
                    continue
                }
                switch b {
                case 0x22: inString = true
                case 0x7B, 0x5B: depth += 1
                case 0x7D, 0x5D: depth -= 1; if depth == 0 { return out }
                default: break
                }
            }
            throw PrepError.input(file: url.path, line: nil, reason: "the document ends inside a record")
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
