import Foundation
import PrepCore

/// Per-image ground truth with an axis-aligned box and a transcription per line:
/// `left top right bottom "text"` (ICDAR 2013 training), `left, top, right, bottom, "text"`
/// (ICDAR 2011 and 2013 test) or `x, y, w, h, text` (BID). The four numbers may be separated by
/// commas, spaces or both, so one reader serves every variant (the reference picks the separator
/// per split). Each box becomes the rectangle the reference writes as its segmentation:
/// `[x, y, x+w, y, x+w, y+h, x, y+h]`, with x and y clamped at 0 for `ltrb` (`max(0, left)`) and
/// taken as given for `xywh`. The transcription is the rest of the line (commas kept), trimmed,
/// with one pair of surrounding quotes removed when `unquote` is set.
///
/// Options: `box` (`ltrb` or `xywh`), `encoding` (`utf-8` or `latin1`), `unquote` (default true),
/// `ignore` (a transcription that marks a do-not-care box; none by default, as the reference
/// never sets `iscrowd` for these datasets), `skip_prefixes` (lines starting with any of these
/// characters are headers, e.g. BID's `x, y, w, h, text` and `[…]` lines).
public struct BoxTxtConverter: LineConverter {
    public enum Box: String, Sendable, CaseIterable { case ltrb, xywh }
    public let box: Box
    public let encoding: TextEncoding
    public let unquote: Bool
    public let ignoreText: String?
    public let skipPrefixes: Set<Character>

    public init(options: ConverterOptions) throws {
        let b: Box = try options.choice("box", default: .ltrb, converter: "box-txt")
        box = b
        let enc: TextEncoding = try options.choice("encoding", default: .utf8, converter: "box-txt")
        encoding = enc
        unquote = options.bool("unquote", default: true)
        ignoreText = options.values["ignore"]
        skipPrefixes = Set(options.string("skip_prefixes", default: ""))
    }

    public func isHeader(_ line: String) -> Bool { line.first.map(skipPrefixes.contains) ?? false }

    /// Parses one non-blank line.
    public func parseLine(_ line: Substring, file: String, number: Int) throws -> TextInstance {
        var rest = line
        var values: [Int] = []
        for k in 0..<4 {
            rest = rest.drop(while: { $0 == " " || $0 == "\t" })
            let token = rest.prefix(while: { $0 != "," && $0 != " " && $0 != "\t" })
            guard let v = try CheckedInt.parse(token, path: "coordinate \(k + 1)", file: file, line: number) else {
                throw PrepError.input(file: file, line: number, reason: token.isEmpty
                    ? "expected 4 numbers and a transcription, found \(k) number\(k == 1 ? "" : "s")"
                    : "coordinate \(k + 1) is not an integer: '\(token)'")
            }
            values.append(v)
            rest = rest[token.endIndex...].drop(while: { $0 == " " || $0 == "\t" })
            if rest.first == "," { rest = rest.dropFirst() }
        }
        var text = String(TextTrim.strip(rest))
        if unquote, text.count >= 2, text.first == "\"", text.last == "\"" { text = String(text.dropFirst().dropLast()) }
        let x: Int, y: Int, w: Int, h: Int
        switch box {
        case .ltrb:
            x = max(0, values[0]); y = max(0, values[1]); w = values[2] - x; h = values[3] - y
        case .xywh:
            x = values[0]; y = values[1]; w = values[2]; h = values[3]
        }
        let polygon = [x, y, x + w, y, x + w, y + h, x, y + h].map(Double.init)
        var attributes: [String: JSONValue] = [:]
        // The reference's bbox and area come from these numbers, not from the rectangle's
        // bounds (they differ when a box is given right-to-left).
        attributes["bbox"] = .array([.int(x), .int(y), .int(w), .int(h)])
        attributes["area"] = .int(w * h)
        return TextInstance(polygon: polygon, integerCoordinates: true, text: text,
                            ignore: ignoreText.map { text == $0 } ?? false, attributes: attributes)
    }
}
