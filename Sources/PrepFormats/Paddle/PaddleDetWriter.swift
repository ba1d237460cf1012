import Foundation
import PrepCore

/// Writes a PaddleOCR detection label file (peers.md §B.2): one line per image,
/// `img_path<TAB>[{"transcription": …, "points": [[x, y], …]}, …]`, the list as PaddleOCR's own
/// tools dump it (`json.dumps(…, ensure_ascii=False)`: non-ASCII kept as UTF-8). Ignored
/// instances are written with the transcription `###`, which `DetLabelEncode` ignores; an
/// instance without a transcription gets `""`. PaddleOCR has no image size field.
public final class PaddleDetWriter: AnnotationWriter {
    public var kind: AnnotationKind { .detection }
    public let losses = LossLog()
    private let out: BufferedFileWriter
    private let json = PyJSON(ensureASCII: false)

    public init(url: URL) throws { out = try BufferedFileWriter(url: url) }

    public func add(_ record: AnnotationRecord) throws {
        try PaddleLine.checkPath(record)
        var items: [JSONValue] = []
        for inst in record.instances {
            var text = inst.text ?? ""
            if inst.ignore {
                if inst.text != nil && inst.text != "###" && inst.text != "*" {
                    losses.note("transcriptions of ignored instances (PaddleOCR marks them ###)")
                }
                text = "###"
            } else if text == "###" || text == "*" {
                losses.note("instances transcribed ### or * but not ignored (PaddleOCR ignores them)")
            }
            var points: [JSONValue] = []
            var k = 0
            while k + 1 < inst.polygon.count {
                points.append(.numbers([inst.polygon[k], inst.polygon[k + 1]], integers: inst.integerCoordinates))
                k += 2
            }
            items.append(.object([("transcription", .string(text)), ("points", .array(points))] + inst.scorePair))
        }
        if record.width != nil { losses.note("image sizes (PaddleOCR labels have none)") }
        if record.segmFile != nil { losses.note("segm_file names (PaddleOCR labels have none)") }
        try out.append { buf in
            buf.append(contentsOf: Array(record.imagePath.utf8))
            buf.append(0x09)
            json.write(.array(items), to: &buf)
            buf.append(0x0A)
        }
    }

    public func finish() throws { try out.close() }
}

/// Writes a PaddleOCR recognition label file: `img_path<TAB>text` per line. A text or path with
/// a tab or a line break cannot be held (`SimpleDataSet` splits on the tab and reads lines) and
/// is refused at the record's location.
public final class PaddleRecWriter: AnnotationWriter {
    public var kind: AnnotationKind { .recognition }
    public let losses = LossLog()
    private let out: BufferedFileWriter

    public init(url: URL) throws { out = try BufferedFileWriter(url: url) }

    public func add(_ record: AnnotationRecord) throws {
        try PaddleLine.checkPath(record)
        guard let text = record.text else { throw record.location.error("no transcription") }
        if text.contains(where: { $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            throw record.location.error("the text holds a tab or line break, which a PaddleOCR label line cannot")
        }
        if record.instances.first?.ignore == true { losses.note("ignore flags (recognition labels have none)") }
        try out.append { buf in
            buf.append(contentsOf: Array(record.imagePath.utf8))
            buf.append(0x09)
            buf.append(contentsOf: Array(text.utf8))
            buf.append(0x0A)
        }
    }

    public func finish() throws { try out.close() }
}

/// What both PaddleOCR label lines share.
enum PaddleLine {
    static func checkPath(_ record: AnnotationRecord) throws {
        if record.imagePath.contains(where: { $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            throw record.location.error("the image path holds a tab or line break, which a PaddleOCR label line cannot")
        }
    }

    /// Splits `img_path<TAB>rest` at the first tab.
    static func split(_ line: String, _ loc: RecordLocation) throws -> (String, String) {
        guard let tab = line.firstIndex(of: "\t") else {
            throw loc.error("no tab: a PaddleOCR label line is img_path<TAB>label")
        }
        return (String(line[..<tab]), String(line[line.index(after: tab)...]))
    }
}
