import Foundation
import PrepCore

/// Writes recognition records into an LMDB with images (`RecogLMDBWriter`, the
/// TextRecogLMDBDumper / clovaai layout, peers.md §A.8): `image-N` = the image file's bytes,
/// `label-N` = the text. Bytes come with the record (from another LMDB) or are read from
/// `imageRoot/imagePath`; a missing image, or with `verify` one that does not decode (as the
/// reference dumper checks with OpenCV), is refused at the record's location.
public final class LMDBRecordWriter: AnnotationWriter {
    public var kind: AnnotationKind { .recognition }
    public let losses = LossLog()
    private let writer: RecogLMDBWriter
    private let imageRoot: URL?
    private let verify: Bool

    public init(directory: URL, imageRoot: URL?, verify: Bool = true) throws {
        self.verify = verify
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        writer = try RecogLMDBWriter(directory: directory)
        self.imageRoot = imageRoot
    }

    public func add(_ record: AnnotationRecord) throws {
        guard let text = record.text else { throw record.location.error("no transcription") }
        var bytes = record.imageBytes
        if bytes == nil {
            guard let root = imageRoot else { throw record.location.error("no image folder to read \(record.imagePath) from (give --images)") }
            let url = root.appendingPathComponent(record.imagePath)
            switch FileBytes.read(url.path) {
            case let .success(b): bytes = b
            case let .failure(f): throw record.location.error("image \(url.path) cannot be read (\(f.reason))")
            }
        }
        if verify {
            do { _ = try ImageCodec.verify(bytes!, name: record.imagePath) } catch let e as PrepError {
                throw record.location.error("image \(record.imagePath) does not decode (\(e.description)); left out")
            }
        }
        if record.instances.first?.ignore == true { losses.note("ignore flags (recognition LMDBs have none)") }
        losses.note("image paths (an LMDB names images image-N)")
        try writer.append(image: bytes, label: Array(text.utf8))
    }

    public func finish() throws { try writer.finish() }

    /// Closes without completing (the caller discards the folder).
    public func abandon() { writer.abandon() }
}

/// Reads a recognition LMDB: with images, records carry the bytes and are named `image-N`;
/// label-only databases give their JSON lines' `filename` and `text`.
enum LMDBRecordReader {
    static func open(_ url: URL) throws -> AnnotationReader {
        let reader = try RecogLMDBReader(url: url)
        let path = url.path
        let parser = try LineJsonParser()
        return ListReader(format: .lmdb, kind: .recognition, count: reader.count) { k in
            let loc = RecordLocation(file: path, element: RecogLMDBReader.imageKey(k).replacingOccurrences(of: "image", with: "label"))
            let line = try reader.line(at: k)
            let v: JSONValue
            do { v = try parser.parse(line) } catch let e as AnnParseError { throw loc.error(e.reason) }
            guard let name = v["filename"]?.string, let text = v["text"]?.string else { throw loc.error("filename and text must be strings") }
            var record = AnnotationRecord.recognition(name, text: text, location: loc)
            if reader.layout == .images { record.imageBytes = try reader.image(at: k) }
            return record
        }
    }
}
