import Foundation
import PrepCore

/// Writes an MMOCR 1.x annotation file as its `JsonDumper` does (`mmengine.dump(…,
/// ensure_ascii=False)`: default separators, raw UTF-8): `{"metainfo": {…}, "data_list": [ … ]}` with the packers' key
/// order (peers.md §A.10):
/// - textdet: `{"instances": [{"polygon", "bbox" (xyxy), "bbox_label": 0, "ignore"}], "img_path", "height", "width"}`
/// - textspotting: as textdet, each instance followed by `"text"`
/// - textrecog: `{"instances": [{"text"}], "img_path"}`
/// Coordinates are floats, as the 1.x parsers turn every coordinate into a float. Items stream
/// to the file; nothing is held.
public final class MMOCR1Writer: AnnotationWriter, RecordLengthsKeeping {
    public let task: MMOCR1Task
    public var kind: AnnotationKind { task.kind }
    public let losses = LossLog()
    private let out: BufferedFileWriter
    private let json = PyJSON(ensureASCII: false)
    public private(set) var count = 0
    /// Each item's byte length, under `--shard` (see `COCOWriter.recordLengths`).
    @exclusivity(unchecked) public var recordLengths: ShardRecordLengths?

    public init(url: URL, task: MMOCR1Task) throws {
        self.task = task
        out = try BufferedFileWriter(url: url)
        var meta: [(String, JSONValue)] = [("dataset_type", .string(task.datasetType)), ("task_name", .string(task.rawValue))]
        if task != .textrecog { meta.append(("category", .array([.object([("id", .int(0)), ("name", .string("text"))])]))) }
        var buf: [UInt8] = Array("{\"metainfo\": ".utf8)
        json.write(.object(meta), to: &buf)
        buf.append(contentsOf: Array(", \"data_list\": [".utf8))
        try out.write(buf)
    }

    public func add(_ record: AnnotationRecord) throws {
        let item: JSONValue
        switch task {
        case .textrecog:
            guard let text = record.text else { throw record.location.error("no transcription") }
            if record.instances.first?.ignore == true { losses.note("ignore flags (textrecog items have none)") }
            item = .object([("instances", .array([.object([("text", .string(text))])])), ("img_path", .string(record.imagePath))])
        case .textdet, .textspotting:
            if record.segmFile != nil { losses.note("segm_file names (MMOCR 1.x has none)") }
            var instances: [JSONValue] = []
            for inst in record.instances {
                var pairs: [(String, JSONValue)] = [
                    ("polygon", .array(inst.polygon.map { .double($0) })),
                    ("bbox", .array(Polygon.xyxy(inst.polygon).map { .double($0) })),
                    ("bbox_label", .int(0)),
                    ("ignore", .bool(inst.ignore)),
                ]
                if task == .textspotting {
                    guard let text = inst.text else { throw record.location.error("an instance has no transcription (textspotting needs one)") }
                    pairs.append(("text", .string(text)))
                } else if inst.text != nil {
                    losses.note("instance transcriptions (textdet has none; textspotting keeps them)")
                }
                instances.append(.object(pairs + inst.scorePair))
            }
            var pairs: [(String, JSONValue)] = [("instances", .array(instances)), ("img_path", .string(record.imagePath))]
            if let h = record.height, let w = record.width {
                pairs.append(("height", .int(h)))
                pairs.append(("width", .int(w)))
            } else {
                losses.note("image sizes (the source has none; height/width left out)")
            }
            item = .object(pairs)
        }
        let first = count == 0
        var length = 0
        try out.append { buf in
            if !first { buf.append(0x2C); buf.append(0x20) }
            let start = buf.count
            json.write(item, to: &buf)
            length = buf.count - start
        }
        try recordLengths?.record(length, parts: UnsafeBufferPointer(start: nil, count: 0))
        count += 1
    }

    public func finish() throws {
        try out.write("]}")
        try out.close()
    }
}
