import Foundation
import PrepCore

/// A shard's quick look at a COCO annotation of a page it does not check (`prep validate
/// --shard`): whether `COCOValidationInput`'s full read would take it as one instance without a
/// finding. Then the shard needs only its `image_id` (whose page it is) and its `id` (for the
/// duplicate-id check), not the parsed value: one pass over the bytes, nothing allocated, where
/// the full read built every annotation of the file in every shard (a sixth of the unsharded
/// run's time, paid again by each shard).
///
/// It says yes only when it is sure, accepting a subset of what `JSONReader` accepts: anything
/// unusual (a key with an escape or a non-ASCII byte, a number with an exponent or of more than
/// 300 digits, `NaN`/`Infinity`, a repeated `image_id`/`id`/`bbox`/`segmentation`/`text`, a
/// value of the wrong type, nesting deeper than 64, malformed JSON) is left to the full read,
/// which reports it as it always did. So every shard still yields the same records in the same
/// order, and the merge's result cannot change.
struct AnnotationSkim {
    private let b: UnsafeBufferPointer<UInt8>
    private var i: Int

    private init(_ b: UnsafeBufferPointer<UInt8>, at i: Int) {
        self.b = b
        self.i = i
    }

    /// The `image_id` and `id` of the plain annotation object at `start` and the index just past
    /// it, or nil when the full read must look (see the type's comment).
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (imageID: Int, id: Int, end: Int)? {
        var s = AnnotationSkim(bytes, at: start)
        return s.annotation()
    }

    private mutating func annotation() -> (imageID: Int, id: Int, end: Int)? {
        guard i < b.count, b[i] == 0x7B else { return nil }
        i += 1
        var imageID: Int?, id: Int?
        var hasBBox = false, hasSegmentation = false, hasText = false
        space()
        if i < b.count, b[i] == 0x7D { return nil }   // no image_id: a finding
        while true {
            space()
            guard let key = plainKey() else { return nil }
            space()
            guard i < b.count, b[i] == 0x3A else { return nil }
            i += 1
            space()
            if equal(key, "image_id") {
                guard imageID == nil, let n = integer() else { return nil }
                imageID = n
            } else if equal(key, "id") {
                guard id == nil, let n = integer() else { return nil }
                id = n
            } else if equal(key, "bbox") {
                guard !hasBBox, bbox() else { return nil }
                hasBBox = true
            } else if equal(key, "segmentation") {
                guard !hasSegmentation, segmentation() else { return nil }
                hasSegmentation = true
            } else if equal(key, "text") {
                guard !hasText, i < b.count, b[i] == 0x22, string() else { return nil }
                hasText = true
            } else {
                guard value(depth: 1) else { return nil }
            }
            space()
            guard i < b.count else { return nil }
            if b[i] == 0x2C { i += 1; continue }
            guard b[i] == 0x7D else { return nil }
            i += 1
            break
        }
        guard let imageID, let id, hasBBox || hasSegmentation else { return nil }
        return (imageID, id, i)
    }

    @inline(__always) private mutating func space() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
    }

    /// Whether the bytes in `range` are `word` (a literal: no global to initialise per call).
    @inline(__always) private func equal(_ range: Range<Int>, _ word: StaticString) -> Bool {
        guard range.count == word.utf8CodeUnitCount else { return false }
        return memcmp(b.baseAddress! + range.lowerBound, word.utf8Start, range.count) == 0
    }

    /// A key of printable ASCII without escapes (the bytes between the quotes).
    private mutating func plainKey() -> Range<Int>? {
        guard i < b.count, b[i] == 0x22 else { return nil }
        i += 1
        let start = i
        while i < b.count {
            let c = b[i]
            if c == 0x22 { i += 1; return start..<(i - 1) }
            if c < 0x20 || c >= 0x80 || c == 0x5C { return nil }
            i += 1
        }
        return nil
    }

    /// A string `JSONReader.string` takes: no control character, valid escapes (a surrogate only
    /// as a pair), valid UTF-8 between them.
    private mutating func string() -> Bool {
        i += 1
        var run = i
        var ascii = true
        while i < b.count {
            let c = b[i]
            if c == 0x22 {
                let ok = ascii || Self.validUTF8(b, run..<i)
                i += 1
                return ok
            }
            if c < 0x20 { return false }
            if c >= 0x80 { ascii = false; i += 1; continue }
            guard c == 0x5C else { i += 1; continue }
            if !ascii && !Self.validUTF8(b, run..<i) { return false }
            ascii = true
            i += 1
            guard i < b.count else { return false }
            switch b[i] {
            case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: i += 1
            case 0x75:
                i += 1
                guard let u = hex4() else { return false }
                if (0xDC00...0xDFFF).contains(u) { return false }
                if (0xD800...0xDBFF).contains(u) {
                    guard i + 1 < b.count, b[i] == 0x5C, b[i + 1] == 0x75 else { return false }
                    i += 2
                    guard let lo = hex4(), (0xDC00...0xDFFF).contains(lo) else { return false }
                }
            default: return false
            }
            run = i
        }
        return false
    }

    private mutating func hex4() -> UInt32? {
        guard let v = JSONReader.hex4(b, at: i, end: b.count) else { return nil }
        i += 4
        return v
    }

    private static func validUTF8(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        TextEncoding.firstInvalidUTF8(UnsafeBufferPointer(rebasing: b[range])) == nil
    }

    /// A number as `JSONReader.number` reads it, without an exponent; its value when it is an
    /// integer of at most 18 digits (`.int` there), else nil inside a true result.
    private mutating func number() -> (ok: Bool, integer: Int?) {
        let start = i
        var negative = false
        if b[i] == 0x2D { negative = true; i += 1 }
        guard i < b.count, b[i] >= 0x30 && b[i] <= 0x39 else { return (false, nil) }
        let digitStart = i
        var value = 0
        if b[i] == 0x30 { i += 1 } else {
            while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 {
                if i - digitStart < 18 { value = value &* 10 &+ Int(b[i] &- 0x30) }
                i += 1
            }
        }
        let digits = i - digitStart
        guard digits <= 300 else { return (false, nil) }
        var isFloat = false
        if i + 1 < b.count, b[i] == 0x2E, b[i + 1] >= 0x30 && b[i + 1] <= 0x39 {
            isFloat = true
            i += 1
            while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
            guard i - start <= 600 else { return (false, nil) }
        }
        // An exponent may overflow to infinity (a finding); `1e` is a syntax error. Both to the full read.
        if i < b.count, b[i] == 0x65 || b[i] == 0x45 { return (false, nil) }
        guard !isFloat, digits <= 18 else { return (true, nil) }
        return (true, negative ? -value : value)
    }

    /// An integer value (`image_id`, `id`).
    private mutating func integer() -> Int? {
        guard i < b.count, b[i] == 0x2D || (b[i] >= 0x30 && b[i] <= 0x39) else { return nil }
        let n = number()
        return n.ok ? n.integer : nil
    }

    /// A plain number (not an exponent form, not NaN/Infinity).
    private mutating func plainNumber() -> Bool {
        guard i < b.count, b[i] == 0x2D || (b[i] >= 0x30 && b[i] <= 0x39) else { return false }
        return number().ok
    }

    /// `[n, n, …]` with `count` numbers (any count when nil).
    private mutating func numbers(count: Int?) -> Bool {
        guard i < b.count, b[i] == 0x5B else { return false }
        i += 1
        space()
        var n = 0
        if i < b.count, b[i] == 0x5D { i += 1; return count == nil || count == 0 }
        while true {
            space()
            guard plainNumber() else { return false }
            n += 1
            space()
            guard i < b.count else { return false }
            if b[i] == 0x2C { i += 1; continue }
            guard b[i] == 0x5D else { return false }
            i += 1
            return count == nil || count == n
        }
    }

    private mutating func bbox() -> Bool { numbers(count: 4) }

    /// `[[n, …], …]`: a first ring of numbers (what the full read takes), then any values.
    private mutating func segmentation() -> Bool {
        guard i < b.count, b[i] == 0x5B else { return false }
        i += 1
        space()
        guard numbers(count: nil) else { return false }
        while true {
            space()
            guard i < b.count else { return false }
            if b[i] == 0x5D { i += 1; return true }
            guard b[i] == 0x2C else { return false }
            i += 1
            space()
            guard value(depth: 2) else { return false }
        }
    }

    /// Any value without `NaN`/`Infinity` or an exponent.
    private mutating func value(depth: Int) -> Bool {
        guard depth < 64, i < b.count else { return false }
        switch b[i] {
        case 0x22: return string()
        case 0x7B, 0x5B:
            let close: UInt8 = b[i] == 0x7B ? 0x7D : 0x5D
            let isObject = close == 0x7D
            i += 1
            space()
            if i < b.count, b[i] == close { i += 1; return true }
            while true {
                space()
                if isObject {
                    guard i < b.count, b[i] == 0x22, string() else { return false }
                    space()
                    guard i < b.count, b[i] == 0x3A else { return false }
                    i += 1
                    space()
                }
                guard value(depth: depth + 1) else { return false }
                space()
                guard i < b.count else { return false }
                if b[i] == 0x2C { i += 1; continue }
                guard b[i] == close else { return false }
                i += 1
                return true
            }
        case 0x6E: return literal("null")
        case 0x74: return literal("true")
        case 0x66: return literal("false")
        case 0x2D, 0x30...0x39: return number().ok
        default: return false
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard i + n <= b.count else { return false }
        let w = word.utf8Start
        for k in 0..<n where b[i + k] != w[k] { return false }
        i += n
        return true
    }
}
