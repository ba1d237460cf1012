import Foundation
import PrepCore

/// Writes MMOCR 0.x line-JSON detection annotations (what `coco_to_line_dict.py` writes and the
/// 0.x `TextDetDataset` reads with `LineJsonParser(keys=['file_name', 'height', 'width',
/// 'annotations'])`): one image per line, `{"file_name", "height", "width", "annotations":
/// [{"iscrowd", "category_id": 1, "bbox" (xywh), "segmentation": [[…]]}]}`, default json.dumps.
/// Transcriptions go in an extra `text` key (the parser ignores extra keys), so nothing is lost;
/// `keepText: false` leaves it out, as `coco_to_line_dict.py` does (`prep coco-to-lines`).
public final class LineJSONWriter: AnnotationWriter {
    public var kind: AnnotationKind { .detection }
    public let losses = LossLog()
    public let keepText: Bool
    private let out: BufferedFileWriter
    private let json = PyJSON(ensureASCII: true)

    public init(url: URL, keepText: Bool = true) throws {
        out = try BufferedFileWriter(url: url)
        self.keepText = keepText
    }

    public func add(_ record: AnnotationRecord) throws {
        if record.width == nil { losses.note("image sizes (the source has none; written as 0)") }
        if record.segmFile != nil { losses.note("segm_file names (line-JSON has none)") }
        let annotations: [[(String, JSONValue)]] = record.instances.map { inst in
            var pairs: [(String, JSONValue)] = [
                ("iscrowd", .int(inst.ignore ? 1 : 0)), ("category_id", .int(1)),
                ("bbox", .array(Polygon.xywh(inst.polygon).map { .double($0) })),
                ("segmentation", .array([inst.polygonJSON])),
            ]
            if let t = inst.text { pairs.append(("text", .string(t))) }
            return pairs + inst.scorePair
        }
        try addImage(fileName: .string(record.imagePath), height: .int(record.height ?? 0), width: .int(record.width ?? 0),
                     annotations: annotations)
    }

    /// One image line from annotation objects as they are (COCO entries passed through, numbers
    /// keeping their JSON types); `text` keys are dropped unless `keepText`.
    public func addImage(fileName: JSONValue, height: JSONValue, width: JSONValue, annotations: [[(String, JSONValue)]]) throws {
        let anns = annotations.map { JSONValue.object(keepText ? $0 : $0.filter { $0.0 != "text" }) }
        let line: JSONValue = .object([("file_name", fileName), ("height", height), ("width", width), ("annotations", .array(anns))])
        try out.append { buf in
            json.write(line, to: &buf)
            buf.append(0x0A)
        }
    }

    public func finish() throws { try out.close() }
}

/// Reads MMOCR 0.x line-JSON detection annotations (see `LineJSONWriter`).
enum LineJSONReader {
    static func open(_ url: URL) throws -> AnnotationReader {
        try LineFileReader(url: url, format: .lineJSON, kind: .detection) { line, loc in
            let v: JSONValue
            do { v = try JSONReader.parse(line) } catch let f as JSONReader.Failure { throw loc.error("not JSON: \(f)") }
            guard let name = v["file_name"]?.string, let anns = v["annotations"]?.array else {
                throw loc.error("expected an object with file_name and annotations")
            }
            var instances: [TextInstance] = []
            for (j, a) in anns.enumerated() {
                var polygon: [Double] = []
                var integers = true
                if let seg = a["segmentation"]?.array?.first?.array {
                    polygon = seg.compactMap(\.number)
                    guard polygon.count == seg.count else { throw loc.error("annotations[\(j)].segmentation holds a non-number") }
                    integers = !seg.contains { if case .double = $0 { return true }; return false }
                } else if let b = a["bbox"]?.array?.compactMap(\.number), b.count == 4 {
                    polygon = Polygon.rectangle(x: b[0], y: b[1], w: b[2], h: b[3])
                    integers = false
                } else {
                    throw loc.error("annotations[\(j)] has neither segmentation nor bbox")
                }
                instances.append(TextInstance(polygon: polygon, integerCoordinates: integers, text: a["text"]?.string,
                                              ignore: (a["iscrowd"]?.number ?? 0) != 0, attributes: TextInstance.scoreAttributes(a["score"])))
            }
            let w = try loc.int(v["width"], "width"), h = try loc.int(v["height"], "height")
            return AnnotationRecord(imagePath: name, width: w == 0 ? nil : w, height: h == 0 ? nil : h,
                                    instances: instances, location: loc)
        }
    }
}
