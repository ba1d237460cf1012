import Foundation
import PrepCore

/// SynthText's character-level word crops as MMOCR 0.6.3's `textrecog/seg_synthtext_converter.py`
/// reads them: a list file of `image ann_file` lines (paths relative to the data root), each
/// annotation file holding the word on its first line and one character box per further line
/// (whitespace-separated numbers), paired with the word's characters in order. One record per
/// listed pair: `{"file_name", "text", "annotations": [{"char_box": [...], "char_text": "c"}]}`.
public enum CharBoxLabels {
    /// Reads one annotation file; more boxes than characters is an error naming the line.
    public static func record(image: String, annotation url: URL) throws -> JSONValue {
        var text = ""
        var chars: [Unicode.Scalar] = []
        var annotations: [JSONValue] = []
        for (k, (number, line)) in try LineReader.readAll(url).enumerated() {
            let stripped = String(TextTrim.strip(line))
            if k == 0 {
                text = stripped
                chars = Array(text.unicodeScalars)   // Python indexes code points
                continue
            }
            guard k - 1 < chars.count else {
                throw PrepError.input(file: url.path, line: number, reason: "more character boxes than characters in '\(text)'")
            }
            var box: [JSONValue] = []
            for token in stripped.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                guard let v = Double(token), v.isFinite else {
                    throw PrepError.input(file: url.path, line: number, reason: "'\(token)' is not a number")
                }
                box.append(.double(v))
            }
            annotations.append(.object([("char_box", .array(box)), ("char_text", .string(String(chars[k - 1])))]))
        }
        return .object([("file_name", .string(image)), ("text", .string(text)), ("annotations", .array(annotations))])
    }
}
