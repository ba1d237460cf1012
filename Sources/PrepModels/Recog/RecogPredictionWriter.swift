import Foundation
import PrepCore
import PrepFormats

/// Writes predictions in prep's recognition label formats, so `prep eval recog`, `prep convert`
/// and every reader of label files take them as they are: `jsonl` lines
/// `{"filename": …, "text": …, "score": …}` (the parsers read filename and text and ignore the
/// extra key), or `txt` lines `<filename> <text>` through `LabelFileWriter` (no room for a
/// score; a prediction a txt line cannot hold — empty, or a path with a space — is refused and reported). The file appears
/// complete or not at all (written beside it, then renamed).
public struct RecogPredictionWriter {
    public enum Format: String, Sendable, CaseIterable { case txt, jsonl }

    public struct Row: Sendable {
        public var name: String
        public var text: String
        public var score: Float
        public init(name: String, text: String, score: Float) { self.name = name; self.text = text; self.score = score }
    }

    public let url: URL
    public let format: Format

    public init(url: URL, format: Format) { self.url = url; self.format = format }

    /// Writes `rows` in order; returns the rows a txt file could not hold (name + reason).
    @discardableResult
    public func write(_ rows: [Row]) throws -> [(name: String, reason: String)] {
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).prep-tmp-\(getpid())")
        defer { try? FileManager.default.removeItem(at: temp) }
        var refused: [(String, String)] = []
        switch format {
        case .jsonl:
            let json = PyJSON(ensureASCII: false)
            var out: [UInt8] = []
            for r in rows {
                json.write(.object([("filename", .string(r.name)), ("text", .string(r.text)),
                                    ("score", .double((Double(r.score) * 1e6).rounded() / 1e6))]), to: &out)
                out.append(0x0A)
            }
            try RecogRunFolder.write(out, to: url)
            return []
        case .txt:
            do {
                let w = try LabelFileWriter(url: temp, syntax: .txt)
                for (k, r) in rows.enumerated() {
                    if r.text.isEmpty {
                        refused.append((r.name, "empty prediction: a txt label line cannot hold an empty text (use jsonl)"))
                        continue
                    }
                    do {
                        try w.add(.recognition(r.name, text: r.text, location: RecordLocation(file: url.path, line: k + 1)))
                    } catch let e as PrepError { refused.append((r.name, "\(e)")) }
                }
                try w.finish()
            }
            guard rename(temp.path, url.path) == 0 else { throw PrepError.io(path: url.path, reason: "cannot write the predictions") }
            return refused
        }
    }
}
