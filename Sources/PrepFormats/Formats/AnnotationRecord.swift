import PrepCore

/// Whether an annotation file describes pages with regions (detection, spotting) or word images
/// with one transcription each (recognition).
public enum AnnotationKind: String, Sendable {
    case detection, recognition
}

/// Where a record came from, for messages: `file:line` for line formats, `file images[3]` or
/// `file data_list[3]` for JSON documents, `database label-000000004` for an LMDB.
public struct RecordLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line (line formats).
    public var line: Int?
    /// Where in the document (`images[3]`, `data_list[0]`, an LMDB key).
    public var element: String?

    public init(file: String, line: Int? = nil, element: String? = nil) {
        self.file = file
        self.line = line
        self.element = element
    }

    public var description: String {
        if let line { return "\(file):\(line)" }
        if let element { return "\(file) \(element)" }
        return file
    }

    /// The location as an input error (file, line, reason).
    public func error(_ reason: String) -> PrepError {
        .input(file: element.map { "\(file) \($0)" } ?? file, line: line, reason: reason)
    }

    /// A JSON number at `path` as an integer (`CheckedInt`); nil when absent or not a number,
    /// an input error here when no integer can hold it.
    public func int(_ v: JSONValue?, _ path: String) throws -> Int? {
        do { return try CheckedInt.make(v, path: path) } catch { throw self.error("\(error)") }
    }
}

/// One record of any annotation format, in the canonical model: an image (its path as the file
/// names it) with its instances. A recognition record has one instance whose polygon is empty
/// and whose `text` is the label; an LMDB record carries the image bytes instead of a file.
public struct AnnotationRecord: Sendable {
    /// The image path exactly as the file writes it (relative to the format's image root).
    public var imagePath: String
    /// Recorded size (nil where the format has none: label files, PaddleOCR).
    public var width: Int?
    public var height: Int?
    public var instances: [TextInstance]
    /// COCO 0.x `segm_file` (the raw annotation the image came from), where known.
    public var segmFile: String?
    /// Image bytes held by the annotation itself (LMDB).
    public var imageBytes: [UInt8]?
    public var location: RecordLocation

    public init(imagePath: String, width: Int? = nil, height: Int? = nil, instances: [TextInstance],
                segmFile: String? = nil, imageBytes: [UInt8]? = nil, location: RecordLocation) {
        self.imagePath = imagePath
        self.width = width
        self.height = height
        self.instances = instances
        self.segmFile = segmFile
        self.imageBytes = imageBytes
        self.location = location
    }

    /// A recognition record: `imagePath` ↔ `text`.
    public static func recognition(_ imagePath: String, text: String, location: RecordLocation) -> AnnotationRecord {
        AnnotationRecord(imagePath: imagePath, instances: [TextInstance(polygon: [], text: text)], location: location)
    }

    /// The label of a recognition record.
    public var text: String? { instances.first?.text }
}
