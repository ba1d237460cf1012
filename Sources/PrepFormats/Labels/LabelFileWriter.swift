import Foundation
import PrepCore

/// Writes MMOCR 0.x recognition label files: `txt` (`<path> <text>`, as the reference
/// converters write them) or `jsonl` (`{"filename": …, "text": …}`, ASCII escapes as
/// `json.dumps`). A txt line cannot hold a line break in the text or a space in the path (the
/// reader splits at the first space), so such records are refused at their location; a text
/// with spaces is written, and prep's reader keeps it whole (the reference's cuts it).
public final class LabelFileWriter: AnnotationWriter {
    public enum Syntax: String, Sendable { case txt, jsonl }
    public var kind: AnnotationKind { .recognition }
    public let losses = LossLog()
    public let syntax: Syntax
    private let out: BufferedFileWriter
    private let json: PyJSON

    public init(url: URL, syntax: Syntax, ensureASCII: Bool = true) throws {
        self.syntax = syntax
        json = PyJSON(ensureASCII: ensureASCII)
        out = try BufferedFileWriter(url: url)
    }

    public func add(_ record: AnnotationRecord) throws {
        guard let text = record.text else { throw record.location.error("no transcription") }
        if record.instances.first?.ignore == true { losses.note("ignore flags (recognition labels have none)") }
        if syntax == .txt {
            if text.contains(where: { $0 == "\n" || $0 == "\r" }) {
                throw record.location.error("the text holds a line break, which a txt label line cannot (use jsonl)")
            }
            if let f = text.unicodeScalars.first, let l = text.unicodeScalars.last, PyString.isSpace(f) || PyString.isSpace(l) {
                throw record.location.error("the text begins or ends with whitespace, which txt label lines lose (the line is stripped; use jsonl)")
            }
            if record.imagePath.contains(" ") || record.imagePath.contains("\n") {
                throw record.location.error("the image path holds a space, which a txt label line cannot (use jsonl)")
            }
            if text.contains(" ") { losses.note(Self.spacedTextLoss) }
        }
        try out.append { buf in
            switch syntax {
            case .txt:
                buf.append(contentsOf: Array(record.imagePath.utf8)); buf.append(0x20); buf.append(contentsOf: Array(text.utf8))
            case .jsonl:
                json.write(.object([("filename", .string(record.imagePath)), ("text", .string(text))]), to: &buf)
            }
            buf.append(0x0A)
        }
    }

    public func finish() throws { try out.close() }

    /// What a txt label whose text holds a space loses in the loaders that split at every space.
    public static let spacedTextLoss = "text(s) with a space: MMOCR's RecogTextDataset / LineStrParser (default separator ' ') and PaddleOCR with a space delimiter read only up to the first space; jsonl (or paddle's tab) keeps them whole"
}

/// Reads MMOCR 0.x recognition label files with the reference's parsers: txt with
/// `LineStrParser` (split at the first space, the rest of the line is the text — prep's fix),
/// jsonl with `LineJsonParser(keys: filename, text)`.
enum LabelFileReader {
    static func open(_ url: URL, syntax: LabelFileWriter.Syntax) throws -> AnnotationReader {
        let parser: AnnParser = syntax == .txt ? try LineStrParser(restInLastKey: true) : try LineJsonParser()
        return try LineFileReader(url: url, format: syntax == .txt ? .labelTxt : .labelJsonl, kind: .recognition) { line, loc in
            let v: JSONValue
            do { v = try parser.parse(line) } catch let e as AnnParseError { throw loc.error(e.reason) }
            guard let name = v["filename"]?.string, let text = v["text"]?.string else {
                throw loc.error("filename and text must be strings")
            }
            return .recognition(name, text: text, location: loc)
        }
    }
}
