/// Python's `str.strip()` without Foundation (which bridges through NSString on Linux): removes
/// leading and trailing Unicode whitespace, with a fast path for ASCII ends.
public enum TextTrim {
    public static func strip<S: StringProtocol>(_ s: S) -> Substring {
        let sub = Substring(s)
        let utf8 = sub.utf8
        var lo = utf8.startIndex, hi = utf8.endIndex
        while lo < hi, isASCIISpace(utf8[lo]) { lo = utf8.index(after: lo) }
        while hi > lo, isASCIISpace(utf8[utf8.index(before: hi)]) { hi = utf8.index(before: hi) }
        if lo < hi, utf8[lo] < 0x80, utf8[utf8.index(before: hi)] < 0x80 {
            return sub[lo..<hi]
        }
        // A non-ASCII character at an end may be Unicode whitespace (U+00A0, U+3000, …).
        guard let first = sub.unicodeScalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = sub.unicodeScalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return sub[first...last]
    }

    /// Python's `str.isspace` for one code point (what `str.split()` and `strip()` cut at).
    public static func isPythonSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// Python's `str.split()` without arguments: the words between runs of whitespace.
    public static func pythonSplit(_ s: String) -> [String] {
        s.unicodeScalars.split(whereSeparator: isPythonSpace).map { String(String.UnicodeScalarView($0)) }
    }

    @inline(__always) static func isASCIISpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x1F)
    }
}
