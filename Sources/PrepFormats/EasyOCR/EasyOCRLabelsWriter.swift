import Foundation
import PrepCore

/// Writes the `labels.csv` of EasyOCR's trainer (`trainer/dataset.py` reads it with
/// `pd.read_csv(sep='^([^,]+),', engine='python', usecols=['filename', 'words'])`): a header
/// `filename,words`, then `<file name>,<text>` — split at the first comma only, so the text keeps
/// its commas and quotes as they are (no CSV quoting). A file name with a comma or a line break
/// and a text with a line break cannot be held: those records are refused at their location.
/// Names are relative to the folder of labels.csv (the trainer's per-folder layout).
public final class EasyOCRLabelsWriter: AnnotationWriter {
    public var kind: AnnotationKind { .recognition }
    public let losses = LossLog()
    private let out: BufferedFileWriter

    public init(url: URL) throws {
        out = try BufferedFileWriter(url: url)
        try out.write("filename,words\n")
    }

    public func add(_ record: AnnotationRecord) throws {
        guard let text = record.text else { throw record.location.error("no transcription") }
        if record.imagePath.contains(where: { $0 == "," || $0 == "\n" || $0 == "\r" }) {
            throw record.location.error("the file name holds a comma or line break, which labels.csv cannot (EasyOCR splits at the first comma)")
        }
        if text.contains(where: { $0 == "\n" || $0 == "\r" }) {
            throw record.location.error("the text holds a line break, which a labels.csv line cannot")
        }
        if record.instances.first?.ignore == true { losses.note("ignore flags (labels.csv has none)") }
        try out.append { buf in
            buf.append(contentsOf: Array(record.imagePath.utf8)); buf.append(0x2C)
            buf.append(contentsOf: Array(text.utf8)); buf.append(0x0A)
        }
    }

    public func finish() throws { try out.close() }
}

/// Reads an EasyOCR `labels.csv` (header `filename,words`; each line split at its first comma).
enum EasyOCRLabelsReader {
    static func open(_ url: URL) throws -> AnnotationReader {
        try LineFileReader(url: url, format: .easyocr, kind: .recognition, isHeader: { $0.hasPrefix("filename,words") }) { line, loc in
            guard let comma = line.firstIndex(of: ",") else { throw loc.error("expected filename,words") }
            return .recognition(String(line[..<comma]), text: String(line[line.index(after: comma)...]), location: loc)
        }
    }
}
