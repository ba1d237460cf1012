import Foundation
import PrepCore

/// Writes standard COCO detection JSON, the file detectron-style trainers and pycocotools read:
/// `{"info": {…}, "licenses": [], "images": [{"id", "file_name", "width", "height"}],
/// "annotations": [{"id", "image_id", "category_id": 1, "segmentation": [[x1, y1, …]], "area",
/// "bbox": [x, y, w, h], "iscrowd"}], "categories": [{"id": 1, "name": "text", "supercategory": "text"}]}`.
/// Ids start at 1 (id 0 is falsy in some COCO tools); `annotations` is kept when empty; an
/// instance's transcription goes in an extra `text` key, which COCO readers ignore. Unlike
/// MMOCR 0.x's file it begins with `info`, which is how `prep convert` tells the two apart.
/// Annotations stream to a side file appended at the end, as in `COCOWriter`.
public final class StandardCOCOWriter: AnnotationWriter, RecordLengthsKeeping {
    public var kind: AnnotationKind { .detection }
    public let losses = LossLog()
    private let out: BufferedFileWriter
    private let annotationsPart: BufferedFileWriter
    private let json = PyJSON(ensureASCII: true)
    public private(set) var imageCount = 0
    public private(set) var annotationCount = 0
    /// Each image's and annotation's byte length, under `--shard` (see `COCOWriter.recordLengths`).
    @exclusivity(unchecked) public var recordLengths: ShardRecordLengths?

    public init(url: URL) throws {
        out = try BufferedFileWriter(url: url)
        annotationsPart = try BufferedFileWriter(url: url.appendingPathExtension("annotations-part"))
        try out.write("{\"info\": {\"description\": \"OCR text detection, written by prep\", \"version\": \"1.0\"}, \"licenses\": [], \"images\": [")
    }

    public func add(_ record: AnnotationRecord) throws {
        if record.segmFile != nil { losses.note("segm_file names (standard COCO has none)") }
        imageCount += 1
        let imageID = imageCount
        var image: [(String, JSONValue)] = [("id", .int(imageID)), ("file_name", .string(record.imagePath))]
        if let w = record.width, let h = record.height {
            image.append(("width", .int(w)))
            image.append(("height", .int(h)))
        } else {
            losses.note("image sizes (the source has none; width/height left out)")
        }
        let first = imageID == 1
        var imageLength = 0
        try out.append { buf in
            if !first { buf.append(0x2C); buf.append(0x20) }
            let start = buf.count
            json.write(.object(image), to: &buf)
            imageLength = buf.count - start
        }
        // (Lengths only under --shard: an unsharded run keeps no array of them.)
        let keep = recordLengths != nil
        var lengths: [Int] = []
        if keep { lengths.reserveCapacity(record.instances.count) }
        for inst in record.instances {
            annotationCount += 1
            var pairs: [(String, JSONValue)] = [
                ("id", .int(annotationCount)), ("image_id", .int(imageID)), ("category_id", .int(1)),
                ("segmentation", .array([inst.polygonJSON])),
                ("area", .double(Polygon.area(inst.polygon))),
                ("bbox", .array(Polygon.xywh(inst.polygon).map { .double($0) })),
                ("iscrowd", .int(inst.ignore ? 1 : 0)),
            ]
            if let t = inst.text { pairs.append(("text", .string(t))) }
            pairs += inst.scorePair
            let firstAnn = annotationCount == 1
            try annotationsPart.append { buf in
                if !firstAnn { buf.append(0x2C); buf.append(0x20) }
                let start = buf.count
                json.write(.object(pairs), to: &buf)
                if keep { lengths.append(buf.count - start) }
            }
        }
        try recordLengths.map { r in try lengths.withUnsafeBufferPointer { try r.record(imageLength, parts: $0) } }
    }

    public func finish() throws {
        try out.write("], \"annotations\": [")
        try annotationsPart.close()
        try out.append(contentsOf: annotationsPart.url)
        try? FileManager.default.removeItem(at: annotationsPart.url)
        try out.write("], \"categories\": [{\"id\": 1, \"name\": \"text\", \"supercategory\": \"text\"}]}")
        try out.close()
    }
}
