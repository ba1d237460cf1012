import Foundation

/// Serialises `JSONValue` byte for byte as Python's `json.dumps` does with default separators
/// (`", "` and `": "`): `ensure_ascii` escapes, float `repr`, no trailing newline.
public struct PyJSON: Sendable {
    /// `ensure_ascii=True` writes every non-ASCII character as `\uXXXX` (surrogate pairs above
    /// U+FFFF); `False` writes raw UTF-8.
    public var ensureASCII: Bool

    public init(ensureASCII: Bool = true) { self.ensureASCII = ensureASCII }

    /// The serialised bytes.
    public func encode(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, to: &out)
        return out
    }

    /// The serialised text.
    public func string(_ value: JSONValue) -> String {
        String(decoding: encode(value), as: UTF8.self)
    }

    public func write(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case let .int(i): PyJSON.appendInt(i, to: &out)
        case let .double(d): PyJSON.appendDouble(d, to: &out)
        case let .string(s): writeString(s, to: &out)
        case let .array(items):
            out.append(0x5B)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(0x2C); out.append(0x20) }
                write(item, to: &out)
            }
            out.append(0x5D)
        case let .object(pairs):
            out.append(0x7B)
            for (i, (k, v)) in pairs.enumerated() {
                if i > 0 { out.append(0x2C); out.append(0x20) }
                writeString(k, to: &out)
                out.append(0x3A); out.append(0x20)
                write(v, to: &out)
            }
            out.append(0x7D)
        }
    }

    /// Decimal digits written straight into `out` (no `String` per number: a COCO file holds
    /// hundreds of thousands of them).
    /// Up to four digits (a COCO file's coordinates) are appended one branch each; longer
    /// numbers by powers of ten.
    public static func appendInt(_ i: Int, to out: inout [UInt8]) {
        if i < 0 { out.append(0x2D) }
        var m = i.magnitude
        @inline(__always) func digit(_ d: UInt) -> UInt8 { 0x30 &+ UInt8(truncatingIfNeeded: d) }
        if m < 10 { out.append(digit(m)); return }
        if m < 100 { out.append(digit(m / 10)); out.append(digit(m % 10)); return }
        if m < 1000 { out.append(digit(m / 100)); out.append(digit(m / 10 % 10)); out.append(digit(m % 10)); return }
        if m < 10000 {
            out.append(digit(m / 1000)); out.append(digit(m / 100 % 10)); out.append(digit(m / 10 % 10)); out.append(digit(m % 10))
            return
        }
        var unit: UInt = 1
        while m / unit >= 10 { unit &*= 10 }
        repeat {
            out.append(digit(m / unit))
            m %= unit
            unit /= 10
        } while unit > 0
    }

    /// Python `float.__repr__`: shortest round-trip digits, `.0` on integral values, exponent
    /// form below 1e-4 and from 1e16 (`1e-05`, `1e+16`); json writes `NaN`/`Infinity`. The one
    /// writer of doubles: bytes straight into `out` (`pythonRepr` is its text).
    public static func appendDouble(_ d: Double, to out: inout [UInt8]) {
        if d.isNaN { out.append(contentsOf: "NaN".utf8); return }
        if d.isInfinite { out.append(contentsOf: (d < 0 ? "-Infinity" : "Infinity").utf8); return }
        // Integral values below 1e15 (coordinates, most areas): digits plus ".0".
        if d.rounded(.towardZero) == d, abs(d) < 1e15, d != 0 || d.sign == .plus {
            appendInt(Int(d), to: &out)
            out.append(0x2E); out.append(0x30)
            return
        }
        // Swift's description has the same shortest round-trip digits; only the switch to
        // exponent notation and its spelling differ, so rebuild Python's form from its digits
        // (a description is at most 24 bytes: a small String, no allocation).
        var text = d.description
        text.withUTF8 { s in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: s.count) { digits in
                var i = 0, n = 0, intDigits = 0, exp = 0, seenDot = false
                let negative = s[0] == 0x2D
                if negative { i = 1 }
                while i < s.count, s[i] != 0x65, s[i] != 0x45 {
                    if s[i] == 0x2E { seenDot = true } else { digits[n] = s[i]; n += 1; if !seenDot { intDigits += 1 } }
                    i += 1
                }
                if i < s.count { // exponent: e, sign, digits
                    i += 1
                    let expNegative = s[i] == 0x2D
                    if s[i] == 0x2D || s[i] == 0x2B { i += 1 }
                    while i < s.count { exp = exp * 10 + Int(s[i] &- 0x30); i += 1 }
                    if expNegative { exp = -exp }
                }
                // value = 0.d1d2d3… × 10^pointPos
                var first = 0, end = n, pointPos = intDigits + exp
                while first < end - 1 && digits[first] == 0x30 { first += 1; pointPos -= 1 }
                while end - first > 1 && digits[end - 1] == 0x30 { end -= 1 }
                if end - first == 1 && digits[first] == 0x30 {
                    out.append(contentsOf: (negative ? "-0.0" : "0.0").utf8)
                    return
                }
                if negative { out.append(0x2D) }
                let count = end - first
                func appendDigits(_ from: Int, _ to: Int) { for k in from..<to { out.append(digits[k]) } }
                func appendZeros(_ k: Int) { for _ in 0..<max(0, k) { out.append(0x30) } }
                let decExp = pointPos - 1 // exponent of d.ddd × 10^decExp
                if decExp < -4 || decExp >= 16 {
                    out.append(digits[first])
                    if count > 1 { out.append(0x2E); appendDigits(first + 1, end) }
                    out.append(0x65); out.append(decExp < 0 ? 0x2D : 0x2B)
                    if abs(decExp) < 10 { out.append(0x30) }
                    appendInt(abs(decExp), to: &out)
                } else if pointPos <= 0 {
                    out.append(0x30); out.append(0x2E); appendZeros(-pointPos); appendDigits(first, end)
                } else if pointPos >= count {
                    appendDigits(first, end); appendZeros(pointPos - count); out.append(0x2E); out.append(0x30)
                } else {
                    appendDigits(first, first + pointPos); out.append(0x2E); appendDigits(first + pointPos, end)
                }
            }
        }
    }

    /// Python's repr of a finite double (`appendDouble`'s bytes as text).
    public static func pythonRepr(_ d: Double) -> String {
        var out: [UInt8] = []
        appendDouble(d, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private static func appendEscape(_ unit: UInt16, to out: inout [UInt8]) {
        out.append(0x5C); out.append(0x75)
        out.append(PyJSON.hex[Int(unit >> 12) & 0xF]); out.append(PyJSON.hex[Int(unit >> 8) & 0xF])
        out.append(PyJSON.hex[Int(unit >> 4) & 0xF]); out.append(PyJSON.hex[Int(unit) & 0xF])
    }

    /// One ASCII character as `json.dumps` writes it inside a string (DEL is the caller's choice).
    private static func appendASCII(_ v: UInt8, to out: inout [UInt8]) {
        switch v {
        case 0x22: out.append(0x5C); out.append(0x22)
        case 0x5C: out.append(0x5C); out.append(0x5C)
        case 0x0A: out.append(0x5C); out.append(0x6E)
        case 0x0D: out.append(0x5C); out.append(0x72)
        case 0x09: out.append(0x5C); out.append(0x74)
        case 0x08: out.append(0x5C); out.append(0x62)
        case 0x0C: out.append(0x5C); out.append(0x66)
        case 0..<0x20: appendEscape(UInt16(v), to: &out)
        default: out.append(v)
        }
    }

    public func writeString(_ s: String, to out: inout [UInt8]) {
        // Printable-ASCII strings (most names and transcriptions) byte by byte.
        if s.utf8.allSatisfy({ $0 < 0x7F }) {
            out.append(0x22)
            for b in s.utf8 { PyJSON.appendASCII(b, to: &out) }
            out.append(0x22)
            return
        }
        out.append(0x22)
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if v < 0x7F {
                PyJSON.appendASCII(UInt8(v), to: &out)
            } else if !ensureASCII {
                out.append(contentsOf: Array(String(scalar).utf8))
            } else if v < 0x10000 {
                PyJSON.appendEscape(UInt16(v), to: &out)
            } else {
                let u = v - 0x10000
                PyJSON.appendEscape(UInt16(0xD800 + (u >> 10)), to: &out)
                PyJSON.appendEscape(UInt16(0xDC00 + (u & 0x3FF)), to: &out)
            }
        }
        out.append(0x22)
    }

    /// A string given as valid UTF-8 bytes, as `json.dumps(…, ensure_ascii=False)` writes it:
    /// only ASCII characters can need escaping there, so it works byte by byte without building a
    /// String (label files with millions of lines go through this).
    public static func writeUTF8String(_ bytes: [UInt8], to out: inout [UInt8]) {
        out.append(0x22)
        for b in bytes { appendASCII(b, to: &out) }
        out.append(0x22)
    }
}
