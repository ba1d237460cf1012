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
    /// form below 1e-4 and from 1e16 (`1e-05`, `1e+16`); json writes `NaN`/`Infinity`.
    public static func appendDouble(_ d: Double, to out: inout [UInt8]) {
        if d.isNaN { out.append(contentsOf: Array("NaN".utf8)); return }
        if d.isInfinite { out.append(contentsOf: Array((d < 0 ? "-Infinity" : "Infinity").utf8)); return }
        // pythonRepr's integral case, without its String.
        if d.rounded(.towardZero) == d, abs(d) < 1e15, d != 0 || d.sign == .plus {
            appendInt(Int(d), to: &out)
            out.append(0x2E); out.append(0x30)
            return
        }
        // Between 1e-4 and 1e15 Python writes the shortest digits positionally; so does Swift
        // when its description has no exponent (the digits are the same shortest round trip).
        let m = abs(d)
        if m >= 1e-4 && m < 1e15 {
            let s = d.description
            if !s.utf8.contains(0x65) { out.append(contentsOf: s.utf8); return }
        }
        out.append(contentsOf: Array(pythonRepr(d).utf8))
    }

    /// Python's repr of a finite double.
    public static func pythonRepr(_ d: Double) -> String {
        // Integral values below 1e15 (coordinates, most areas): digits plus ".0".
        if d.rounded(.towardZero) == d, abs(d) < 1e15, d != 0 || d.sign == .plus {
            return String(Int64(d)) + ".0"
        }
        // Swift's description uses the same shortest round-trip digits; only the switch to
        // exponent notation and its spelling can differ, so rebuild from the digits.
        let s = "\(d)"
        var mantissa = s
        var exp = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(s[..<e])
            exp = Int(s[s.index(after: e)...])!
        }
        var negative = false
        if mantissa.hasPrefix("-") { negative = true; mantissa.removeFirst() }
        var intPart = mantissa, fracPart = ""
        if let dot = mantissa.firstIndex(of: ".") {
            intPart = String(mantissa[..<dot])
            fracPart = String(mantissa[mantissa.index(after: dot)...])
        }
        // digits and decimal exponent: value = 0.d1d2d3... × 10^pointPos
        var digits = intPart + fracPart
        var pointPos = intPart.count + exp
        while digits.hasPrefix("0") && digits.count > 1 { digits.removeFirst(); pointPos -= 1 }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        if digits == "0" { return negative ? "-0.0" : "0.0" }
        let sign = negative ? "-" : ""
        let decExp = pointPos - 1  // exponent in d.ddd × 10^decExp
        if decExp < -4 || decExp >= 16 {
            var m = String(digits.first!)
            if digits.count > 1 { m += "." + digits.dropFirst() }
            let es = decExp < 0 ? "-" : "+"
            let ev = abs(decExp)
            return sign + m + "e" + es + (ev < 10 ? "0" : "") + String(ev)
        }
        if pointPos <= 0 {
            return sign + "0." + String(repeating: "0", count: -pointPos) + digits
        }
        if pointPos >= digits.count {
            return sign + digits + String(repeating: "0", count: pointPos - digits.count) + ".0"
        }
        let idx = digits.index(digits.startIndex, offsetBy: pointPos)
        return sign + digits[..<idx] + "." + digits[idx...]
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
