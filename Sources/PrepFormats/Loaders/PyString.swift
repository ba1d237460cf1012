import PrepCore

/// The few Python `str` operations MMOCR's parsers rely on, with Python's semantics: they work
/// on code points (Swift's `Character` would merge a separator with a following combining mark)
/// and `strip()` without arguments removes what `str.isspace` calls whitespace.
public enum PyString {
    /// Python's `str.isspace` for one code point.
    public static func isSpace(_ s: Unicode.Scalar) -> Bool { TextTrim.isPythonSpace(s) }

    /// Which end `strip` works on (`strip_pos` in MMOCR's StringStrip).
    public enum Side: String, Sendable { case both, left, right }

    /// `str.strip(chars)` / `lstrip` / `rstrip`; `chars == nil` strips whitespace.
    public static func strip(_ s: String, chars: String? = nil, side: Side = .both) -> String {
        let set = chars.map { Set($0.unicodeScalars) }
        let drop: (Unicode.Scalar) -> Bool = { c in set.map { $0.contains(c) } ?? isSpace(c) }
        let scalars = Array(s.unicodeScalars)
        var lo = 0, hi = scalars.count
        if side != .right { while lo < hi && drop(scalars[lo]) { lo += 1 } }
        if side != .left { while hi > lo && drop(scalars[hi - 1]) { hi -= 1 } }
        if lo == 0 && hi == scalars.count { return s }
        var v = String.UnicodeScalarView()
        v.append(contentsOf: scalars[lo..<hi])
        return String(v)
    }

    /// `str.split(separator, maxsplit)` for a non-empty separator: every occurrence, left to
    /// right, empty fields kept; with `maxSplits` the last field holds the rest of the string.
    public static func split(_ s: String, separator: String, maxSplits: Int = Int.max) -> [String] {
        precondition(!separator.isEmpty)
        // Valid UTF-8 never matches a code point's bytes in the middle of another, so a byte
        // search finds exactly the code-point matches Python finds.
        let b = Array(s.utf8), sep = Array(separator.utf8)
        var parts: [String] = []
        var start = 0, i = 0
        while i + sep.count <= b.count && parts.count < maxSplits {
            if b[i] == sep[0] && (sep.count == 1 || Array(b[i..<i + sep.count]) == sep) {
                parts.append(String(decoding: b[start..<i], as: UTF8.self))
                i += sep.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(String(decoding: b[start...], as: UTF8.self))
        return parts
    }
}
