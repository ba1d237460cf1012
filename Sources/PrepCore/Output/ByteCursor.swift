/// Writes bytes through a raw pointer into space the caller has reserved: no capacity or
/// uniqueness check per byte as `[UInt8].append` makes, for the serialisers' hot loops (a COCO
/// file holds hundreds of thousands of numbers). `[UInt8].appendWritten(maxCount:)` reserves
/// the space; the caller's bound must cover what it writes (`maxIntBytes`, `maxDoubleBytes`
/// per number).
///
/// The number formats are `PyJSON`'s (Python's `str(int)` and `float.__repr__`): this is their
/// one implementation.
@frozen public struct ByteCursor {
    /// Bytes `putInt` writes at most (`-9223372036854775808`).
    public static let maxIntBytes = 20
    /// Bytes `putDouble` writes at most (`-1.2345678901234567e-308` is 24).
    public static let maxDoubleBytes = 32

    public let start: UnsafeMutablePointer<UInt8>
    /// Where the next byte goes. (Settable so that the writers in other modules inline the
    /// `put`s: a call per separator and number was a tenth of a det conversion.)
    public var position: UnsafeMutablePointer<UInt8>

    @inlinable public init(_ start: UnsafeMutablePointer<UInt8>) {
        self.start = start
        position = start
    }

    /// Bytes written so far.
    @inlinable public var count: Int { position - start }

    @inlinable @inline(__always) public mutating func put(_ b: UInt8) {
        position.pointee = b
        position += 1
    }

    @inlinable @inline(__always) public mutating func put(_ a: UInt8, _ b: UInt8) {
        position[0] = a
        position[1] = b
        position += 2
    }

    /// A literal's bytes (keys, separators).
    @inlinable @inline(__always) public mutating func put(_ s: StaticString) {
        let n = s.utf8CodeUnitCount
        position.update(from: s.utf8Start, count: n)
        position += n
    }

    @inlinable @inline(__always) public mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        position.update(from: base, count: bytes.count)
        position += bytes.count
    }

    /// Decimal digits of `i` (Python's `str(int)`). Up to four digits (a COCO file's
    /// coordinates) one branch each; longer numbers by powers of ten.
    @inlinable @inline(__always) public mutating func putInt(_ i: Int) {
        if i < 0 { put(0x2D) }
        putMagnitude(i.magnitude)
    }

    @inlinable @inline(__always) mutating func putMagnitude(_ magnitude: UInt) {
        var m = magnitude
        @inline(__always) func digit(_ d: UInt) -> UInt8 { 0x30 &+ UInt8(truncatingIfNeeded: d) }
        if m < 10 { put(digit(m)); return }
        if m < 100 { put(digit(m / 10), digit(m % 10)); return }
        if m < 1000 { put(digit(m / 100)); put(digit(m / 10 % 10), digit(m % 10)); return }
        if m < 10000 { put(digit(m / 1000), digit(m / 100 % 10)); put(digit(m / 10 % 10), digit(m % 10)); return }
        var unit: UInt = 1
        while m / unit >= 10 { unit &*= 10 }
        repeat {
            put(digit(m / unit))
            m %= unit
            unit /= 10
        } while unit > 0
    }

    /// Python `float.__repr__`: shortest round-trip digits, `.0` on integral values, exponent
    /// form below 1e-4 and from 1e16 (`1e-05`, `1e+16`); json writes `NaN`/`Infinity`.
    @inlinable @inline(__always) public mutating func putDouble(_ d: Double) {
        // Integral values (coordinates, most areas), inlined into the writers: digits plus ".0".
        // (Through UInt64, exact below 1e15: `rounded` is a libm call on baseline x86-64. NaN
        // fails the comparison.)
        let magnitude = abs(d)
        if magnitude < 1e15 {
            let whole = Double(UInt64(magnitude))
            if whole == magnitude {
                if d.sign == .minus { put(0x2D) }
                putMagnitude(UInt(whole))
                put(0x2E, 0x30)
                return
            }
        }
        putOtherDouble(d)
    }

    /// `putDouble` of a value that is not integral below 1e15.
    @usableFromInline mutating func putOtherDouble(_ d: Double) {
        if d.isNaN { put("NaN"); return }
        if d.isInfinite { if d < 0 { put("-Infinity") } else { put("Infinity") }; return }
        let magnitude = abs(d)
        if magnitude < 1e15 {
            // Halves (the area of a polygon with integer corners): the exact value m.5 is the
            // shortest text that reads back as it (no shorter decimal is within half a unit in
            // the last place below 1e15).
            let whole = Double(UInt64(magnitude))
            if magnitude - whole == 0.5 {
                if d.sign == .minus { put(0x2D) }
                putMagnitude(UInt(whole))
                put(0x2E, 0x35)
                return
            }
        }
        putDescribed(d)
    }

    /// Any other finite double: Swift's description has the same shortest round-trip digits;
    /// only the switch to exponent notation and its spelling differ, so Python's form is rebuilt
    /// from its digits (a description is at most 24 bytes: a small String, no allocation).
    private mutating func putDescribed(_ d: Double) {
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
                    if negative { put("-0.0") } else { put("0.0") }
                    return
                }
                if negative { put(0x2D) }
                let count = end - first
                func putDigits(_ from: Int, _ to: Int) { for k in from..<to { put(digits[k]) } }
                func putZeros(_ k: Int) { for _ in 0..<max(0, k) { put(0x30) } }
                let decExp = pointPos - 1 // exponent of d.ddd × 10^decExp
                if decExp < -4 || decExp >= 16 {
                    put(digits[first])
                    if count > 1 { put(0x2E); putDigits(first + 1, end) }
                    put(0x65); put(decExp < 0 ? 0x2D : 0x2B)
                    if abs(decExp) < 10 { put(0x30) }
                    putMagnitude(UInt(abs(decExp)))
                } else if pointPos <= 0 {
                    put(0x30, 0x2E); putZeros(-pointPos); putDigits(first, end)
                } else if pointPos >= count {
                    putDigits(first, end); putZeros(pointPos - count); put(0x2E, 0x30)
                } else {
                    putDigits(first, first + pointPos); put(0x2E); putDigits(first + pointPos, end)
                }
            }
        }
    }
}

extension ByteCursor {
    /// Bytes `putJSONString` writes at most for a string of `utf8Count` UTF-8 bytes (`\u0001`
    /// is 6 bytes for 1; a 4-byte scalar is 12 as a surrogate pair; the quotes).
    public static func maxJSONStringBytes(utf8Count: Int) -> Int { utf8Count * 6 + 2 }

    private static let hex: StaticString = "0123456789abcdef"

    @inline(__always) private mutating func putEscape(_ unit: UInt32) {
        let h = Self.hex.utf8Start
        put(0x5C, 0x75)
        put(h[Int(unit >> 12) & 0xF], h[Int(unit >> 8) & 0xF])
        put(h[Int(unit >> 4) & 0xF], h[Int(unit) & 0xF])
    }

    /// One ASCII character as `json.dumps` writes it inside a string (DEL is the caller's choice).
    @inline(__always) public mutating func putEscapedASCII(_ v: UInt8) {
        if v >= 0x20 && v != 0x22 && v != 0x5C { put(v); return }
        switch v {
        case 0x22: put(0x5C, 0x22)
        case 0x5C: put(0x5C, 0x5C)
        case 0x0A: put(0x5C, 0x6E)
        case 0x0D: put(0x5C, 0x72)
        case 0x09: put(0x5C, 0x74)
        case 0x08: put(0x5C, 0x62)
        case 0x0C: put(0x5C, 0x66)
        default: putEscape(UInt32(v))
        }
    }

    /// `s` as a JSON string the way `json.dumps` writes it: `ensureASCII` escapes every
    /// non-ASCII character as `\uXXXX` (surrogate pairs above U+FFFF) and DEL; otherwise raw
    /// UTF-8. Needs `maxJSONStringBytes(utf8Count:)` bytes of room.
    public mutating func putJSONString(_ s: String, ensureASCII: Bool) {
        put(0x22)
        var s = s
        s.withUTF8 { b in
            // Printable ASCII (most names and transcriptions) byte by byte.
            var i = 0
            while i < b.count, b[i] < 0x7F { putEscapedASCII(b[i]); i += 1 }
            guard i < b.count else { return }
            if !ensureASCII {
                // Only ASCII can need escaping: DEL and every non-ASCII byte go out raw.
                while i < b.count { if b[i] < 0x7F { putEscapedASCII(b[i]) } else { put(b[i]) }; i += 1 }
                return
            }
            // A String's bytes are valid UTF-8: decode each scalar without checks.
            @inline(__always) func tail(_ k: Int) -> UInt32 { UInt32(b[k] & 0x3F) }
            while i < b.count {
                let b0 = UInt32(b[i])
                let v: UInt32
                if b0 < 0x80 { v = b0; i += 1 }
                else if b0 < 0xE0 { v = (b0 & 0x1F) << 6 | tail(i + 1); i += 2 }
                else if b0 < 0xF0 { v = (b0 & 0x0F) << 12 | tail(i + 1) << 6 | tail(i + 2); i += 3 }
                else { v = (b0 & 0x07) << 18 | tail(i + 1) << 12 | tail(i + 2) << 6 | tail(i + 3); i += 4 }
                if v < 0x7F {
                    putEscapedASCII(UInt8(v))
                } else if v < 0x10000 {
                    putEscape(v)
                } else {
                    let u = v - 0x10000
                    putEscape(0xD800 + (u >> 10))
                    putEscape(0xDC00 + (u & 0x3FF))
                }
            }
        }
        put(0x22)
    }
}

extension Array where Element == UInt8 {
    /// Appends what `body` writes through a cursor, at most `maxCount` bytes (written on the
    /// stack, then copied in once).
    @inline(__always)
    public mutating func appendWritten(maxCount: Int, _ body: (inout ByteCursor) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxCount) { tmp in
            var cursor = ByteCursor(tmp.baseAddress!)
            body(&cursor)
            append(contentsOf: UnsafeBufferPointer(start: tmp.baseAddress!, count: cursor.count))
        }
    }
}
