import Foundation
import PrepCore

/// ICDAR per-image ground truth: one text instance per line,
/// `x1,y1,x2,y2,x3,y3,x4,y4,transcription` (ICDAR 2015) or
/// `x1,…,y4,script,transcription` (ICDAR 2017 MLT). Read like MMOCR 0.6.3's
/// `icdar_converter.py` (§2.1), but: a BOM is removed for every variant, blank lines are
/// skipped, float coordinates are read, and transcriptions keep their commas.
///
/// Options: `script_field` (true for ICDAR 2017), `ignore` (default `###`),
/// `encoding` (`utf-8` or `latin1`), `strip_text` (trim spaces around the transcription, as
/// DeText's and SROIE's readers do; the `ignore` marker is then compared after trimming),
/// `difficult_field` (RCTW-17: field 9 is a difficult flag, anything but `0` marks the box
/// ignored), `unquote` (remove `"` around the transcription, as RCTW's `strip('"')`), `floor`
/// (float coordinates floored to integers, as MTWI's `math.floor(float(v))`).
public struct ICDARTxtConverter: LineConverter {
    public let hasScriptField: Bool
    public let ignoreText: String
    public let encoding: TextEncoding
    public let stripText: Bool
    public let hasDifficultField: Bool
    public let unquote: Bool
    public let floorCoordinates: Bool
    /// `ignoreText`'s bytes when it is ASCII (the byte path compares markers with them), else nil.
    let asciiIgnoreBytes: [UInt8]?

    public init(options: ConverterOptions) throws {
        hasScriptField = options.bool("script_field", default: false)
        ignoreText = options.string("ignore", default: "###")
        let enc: TextEncoding = try options.choice("encoding", default: .utf8, converter: "icdar-txt")
        encoding = enc
        stripText = options.bool("strip_text", default: false)
        hasDifficultField = options.bool("difficult_field", default: false)
        unquote = options.bool("unquote", default: false)
        floorCoordinates = options.bool("floor", default: false)
        asciiIgnoreBytes = ignoreText.utf8.allSatisfy { $0 < 0x80 } ? Array(ignoreText.utf8) : nil
        if hasScriptField && hasDifficultField { throw PrepError.usage("icdar-txt: script_field and difficult_field exclude each other") }
    }

    /// Parses one non-blank line.
    public func parseLine(_ line: Substring, file: String, number: Int) throws -> TextInstance {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        let textIndex = hasScriptField || hasDifficultField ? 9 : 8
        guard fields.count > textIndex else {
            let expected = hasScriptField ? "8 coordinates, a script and a transcription"
                : hasDifficultField ? "8 coordinates, a difficult flag and a transcription" : "8 coordinates and a transcription"
            throw PrepError.input(file: file, line: number, reason: "expected \(expected) separated by commas, found \(fields.count) field\(fields.count == 1 ? "" : "s")")
        }
        var polygon: [Double] = []
        polygon.reserveCapacity(8)
        var integers = true
        for k in 0..<8 {
            let f = TextTrim.strip(fields[k])
            if let i = try CheckedInt.parse(f, path: "coordinate \(k + 1)", file: file, line: number) {
                polygon.append(Double(i))
            } else if let d = Double(f), d.isFinite {
                if floorCoordinates { polygon.append(d.rounded(.down)) } else { polygon.append(d); integers = false }
            } else {
                throw PrepError.input(file: file, line: number, reason: "coordinate \(k + 1) is not a number: '\(fields[k])'")
            }
        }
        let (text, marker) = cleaned(fields[textIndex...].joined(separator: ","), marker: String(fields[textIndex]))
        var attributes: [String: JSONValue] = [:]
        if hasScriptField { attributes["script"] = .string(String(fields[8])) }
        var difficult = false
        if hasDifficultField {
            difficult = fields[8] != "0"
            attributes["difficult"] = .bool(difficult)
        }
        return TextInstance(polygon: polygon, integerCoordinates: integers, text: text,
                            ignore: marker == ignoreText || difficult, attributes: attributes)
    }

    /// The transcription and the ignore marker after `strip_text` and `unquote`.
    func cleaned(_ text: String, marker: String) -> (text: String, marker: String) {
        var text = text, marker = marker
        if stripText {
            text = String(TextTrim.strip(text))
            marker = String(TextTrim.strip(marker))
        }
        if unquote {
            text = Self.stripQuotes(text)
            marker = Self.stripQuotes(marker)
        }
        return (text, marker)
    }

    /// Python's `s.strip('"')`.
    static func stripQuotes(_ s: String) -> String {
        var sub = Substring(s)
        while sub.first == "\"" { sub = sub.dropFirst() }
        while sub.last == "\"" { sub = sub.dropLast() }
        return String(sub)
    }
}
