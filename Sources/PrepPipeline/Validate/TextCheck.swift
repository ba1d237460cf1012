import Foundation
import PrepCore
import PrepFormats

/// Text checks of one transcription (an instance's or a recognition label's).
public struct TextCheck: Sendable {
    /// Characters the model knows; nil = no charset check.
    public var charset: Set<Unicode.Scalar>?
    public var maxLength: Int?

    public init(charset: Set<Unicode.Scalar>? = nil, maxLength: Int? = nil) {
        self.charset = charset
        self.maxLength = maxLength
    }

    /// Reads an MMOCR-style dictionary: one character per line (every code point of a line
    /// counts, so a line may also hold several); a line holding only a space is the space.
    public static func loadCharset(_ url: URL) throws -> Set<Unicode.Scalar> {
        var set = Set<Unicode.Scalar>()
        for (_, line) in try LineReader.readAll(url) { set.formUnion(line.unicodeScalars) }
        return set
    }

    /// Findings for `text`; `ignore` is the instance's do-not-care flag (false for labels).
    public func check(_ text: String, ignore: Bool) -> [(AnomalyKind, String)] {
        var out: [(AnomalyKind, String)] = []
        var shown: String { PyJSON(ensureASCII: false).string(.string(text)) }
        if text == "###" && !ignore {
            out.append((.ignoreMarkerText, "text \"###\" (the do-not-care marker) on an instance that is not ignored"))
            return out
        }
        if ignore { return out }
        if text.isEmpty { out.append((.emptyText, "empty text")); return out }
        if let charset {
            var outside: [Unicode.Scalar] = []
            for s in text.unicodeScalars where !charset.contains(s) && !outside.contains(s) { outside.append(s) }
            if !outside.isEmpty {
                let list = outside.prefix(10).map { s -> String in
                    let hex = String(s.value, radix: 16, uppercase: true)
                    return "'\(s)' U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                }.joined(separator: ", ")
                out.append((.charOutsideCharset, "\(shown) has characters outside the charset: \(list)"))
            }
        }
        let length = text.unicodeScalars.count
        if let maxLength, length > maxLength { out.append((.textTooLong, "\(shown) is \(length) characters long (max \(maxLength))")) }
        if let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
           PyString.isSpace(first) || PyString.isSpace(last) { out.append((.textWhitespace, "\(shown) has leading or trailing whitespace")) }
        if !TextCheck.isNFC(text) { out.append((.textNotNFC, "\(shown) is not in Unicode NFC (composed) form")) }
        return out
    }

    /// Whether the code points are already NFC. (Swift's `==` compares canonical equivalence,
    /// so the scalars are compared.) Everything below U+0300 is NFC-stable: the fast path.
    public static func isNFC(_ text: String) -> Bool {
        if text.unicodeScalars.allSatisfy({ $0.value < 0x300 }) { return true }
        return Array(text.precomposedStringWithCanonicalMapping.unicodeScalars) == Array(text.unicodeScalars)
    }
}
