/// MMOCR's text normalisation for recognition metrics, on Python code points (Unicode scalars,
/// not grapheme clusters): `str.lower()` and the `[^A-Z^a-z^0-9^\u4e00-\u9fa5]` strip, which
/// keeps ASCII letters and digits, CJK U+4E00–U+9FA5 and the caret `^`
/// (../shared/reference/lean-core.md §1.1).
public enum TextNormalizer {
    /// Python `str.lower()`: full lowercase mapping per scalar, with the final-sigma rule.
    public static func lower(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        for (i, c) in s.enumerated() {
            if c.value < 0x80 {
                out.append(c.value >= 65 && c.value <= 90 ? Unicode.Scalar(c.value + 32)! : c)
            } else if c.value == 0x03A3 {
                out.append(isFinalSigma(s, i) ? "\u{03C2}" : "\u{03C3}")
            } else {
                out.append(contentsOf: c.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return out
    }

    /// Python's `Final_Sigma` condition: a cased letter before (skipping case-ignorables) and none after.
    private static func isFinalSigma(_ s: [Unicode.Scalar], _ i: Int) -> Bool {
        var j = i - 1
        while j >= 0 && s[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0 && s[j].properties.isCased else { return false }
        var k = i + 1
        while k < s.count && s[k].properties.isCaseIgnorable { k += 1 }
        return !(k < s.count && s[k].properties.isCased)
    }

    /// Whether the strip keeps this scalar.
    @inline(__always)
    public static func isKept(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        return (v >= 48 && v <= 57) || (v >= 65 && v <= 90) || (v >= 97 && v <= 122) || v == 94
            || (v >= 0x4E00 && v <= 0x9FA5)
    }

    /// lower, then strip: the `x'` of the char metrics and 1-N.E.D.
    public static func lowerStripped(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        lower(s).filter(isKept)
    }
}
