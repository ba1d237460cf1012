import Foundation
import PrepCore

/// Total-Text's per-image txt ground truth (the legacy format): one record per polygon, starting
/// at a line that begins with `x:` (longer records wrap onto following lines), e.g.
/// `x: [[115 503 494 115]], y: [[322 346 426 404]], ornt: [u'#'], transcriptions: [u'#']`.
/// Read like MMOCR 0.6.3's `totaltext_converter.py` (§2.3) but without its YAML rewriting and
/// `eval`: the numbers are read from the `x:` and `y:` brackets and the transcription as a Python
/// string literal. `#` or an empty list means do-not-care (`###`, iscrowd 1); a single-point
/// contour is left out, as the reference does. A literal `','` stays a comma (the reference turns
/// it into an ignored `#`). A `.mat` annotation file is read by `TotalTextMAT`.
public struct TotalTextConverter: PerImageConverter {
    public init(options: ConverterOptions) throws {}

    public func parse(annotation url: URL) throws -> [TextInstance] {
        // The `.mat` ground truth (gt_<stem>.mat, poly_gt_<stem>.mat), chosen per file.
        if url.pathExtension.lowercased() == "mat" { return try TotalTextMAT.parse(url) }
        var records: [(line: Int, text: String)] = []
        let reader = try LineReader(url: url)
        while let raw = reader.next() {
            let line = String(TextTrim.strip(try reader.decode(raw)))
            if records.isEmpty || line.hasPrefix("x:") {
                records.append((raw.number, line))
            } else {
                records[records.count - 1].text += " " + line
            }
        }
        var out: [TextInstance] = []
        for r in records where !TextTrim.strip(r.text).isEmpty {
            func fail(_ reason: String) -> PrepError { .input(file: url.path, line: r.line, reason: reason) }
            guard let xs = Self.numbers(after: "x:", in: r.text), let ys = Self.numbers(after: "y:", in: r.text) else {
                throw fail("expected `x: [[…]], y: [[…]]` with numbers")
            }
            guard xs.count == ys.count else { throw fail("x has \(xs.count) values, y has \(ys.count)") }
            if xs.count == 1 { continue }
            guard xs.count >= 3 else { throw fail("a polygon needs at least 3 points (has \(xs.count))") }
            guard var text = try Self.transcription(in: r.text) else { throw fail("cannot read the transcriptions field") }
            if text == "#" { text = "###" }
            let integers = (xs + ys).allSatisfy { $0.rounded() == $0 }
            out.append(TextInstance(polygon: zip(xs, ys).flatMap { [$0, $1] }, integerCoordinates: integers, text: text,
                                    ignore: text == "###"))
        }
        return out
    }

    /// The numbers inside the brackets that follow `key`.
    static func numbers(after key: String, in s: String) -> [Double]? {
        guard let k = s.range(of: key), let open = s[k.upperBound...].firstIndex(of: "[") else { return nil }
        let rest = s[open...].drop(while: { $0 == "[" })
        guard let close = rest.firstIndex(of: "]") else { return nil }
        let tokens = rest[..<close].split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" })
        let values = tokens.map { Double($0) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0!.isFinite }) else { return nil }
        return values.map { $0! }
    }

    /// The transcription: the Python string literals of the `transcriptions: [...]` list, joined
    /// with commas when there are several; `###` for an empty list.
    static func transcription(in s: String) throws -> String? {
        guard let k = s.range(of: "transcriptions:"), let open = s[k.upperBound...].firstIndex(of: "[") else { return nil }
        var i = s.index(after: open)
        var items: [String] = []
        func skipSpaces() { while i < s.endIndex, s[i] == " " || s[i] == "," { i = s.index(after: i) } }
        skipSpaces()
        while i < s.endIndex, s[i] != "]" {
            if s[i] == "u" || s[i] == "U" || s[i] == "r" { i = s.index(after: i) }
            guard i < s.endIndex, s[i] == "'" || s[i] == "\"" else { return nil }
            let quote = s[i]
            i = s.index(after: i)
            var item = ""
            while i < s.endIndex, s[i] != quote {
                if s[i] == "\\", s.index(after: i) < s.endIndex {
                    i = s.index(after: i)
                    switch s[i] {
                    case "n": item.append("\n")
                    case "t": item.append("\t")
                    default: item.append(s[i])
                    }
                } else {
                    item.append(s[i])
                }
                i = s.index(after: i)
            }
            guard i < s.endIndex else { return nil }
            i = s.index(after: i)
            items.append(item)
            skipSpaces()
        }
        return items.isEmpty ? "###" : items.joined(separator: ",")
    }
}
