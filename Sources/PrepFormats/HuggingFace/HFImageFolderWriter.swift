import Foundation
import PrepCore

/// Writes the `metadata.jsonl` of a Hugging Face `imagefolder` split (`load_dataset("imagefolder",
/// data_dir=…)` pairs each `file_name`, relative to the metadata file's folder, with its image):
/// - recognition: `{"file_name", "text"}` (what TrOCR-style fine-tuning scripts read);
/// - detection: `{"file_name", "width", "height", "objects": {"bbox": [[x, y, w, h]], "polygon":
///   [[x1, y1, …]], "text": [str or null], "ignore": [bool]}}`, absolute pixels, floats, the
///   `objects` dict of lists the `datasets` library turns into a sequence feature.
/// Raw UTF-8, one object per line.
public final class HFImageFolderWriter: AnnotationWriter {
    public let kind: AnnotationKind
    public let losses = LossLog()
    private let out: BufferedFileWriter
    private let json = PyJSON(ensureASCII: false)

    public init(url: URL, kind: AnnotationKind) throws {
        self.kind = kind
        out = try BufferedFileWriter(url: url)
    }

    public func add(_ record: AnnotationRecord) throws {
        var pairs: [(String, JSONValue)] = [("file_name", .string(record.imagePath))]
        switch kind {
        case .recognition:
            guard let text = record.text else { throw record.location.error("no transcription") }
            if record.instances.first?.ignore == true { losses.note("ignore flags (recognition metadata has none)") }
            pairs.append(("text", .string(text)))
        case .detection:
            if let w = record.width, let h = record.height {
                pairs += [("width", .int(w)), ("height", .int(h))]
            } else {
                losses.note("image sizes (the source has none; width/height left out)")
            }
            let insts = record.instances
            let boxes: [JSONValue] = insts.map { i in
                let b = Polygon.xyxy(i.polygon)
                return .array([b[0], b[1], b[2] - b[0], b[3] - b[1]].map { .double($0) })
            }
            pairs.append(("objects", .object([
                ("bbox", .array(boxes)),
                ("polygon", .array(insts.map { .array($0.polygon.map { .double($0) }) })),
                ("text", .array(insts.map { $0.text.map(JSONValue.string) ?? .null })),
                ("ignore", .array(insts.map { .bool($0.ignore) })),
            ])))
        }
        if record.segmFile != nil { losses.note("segm_file names (imagefolder metadata has none)") }
        try out.append { buf in
            json.write(.object(pairs), to: &buf)
            buf.append(0x0A)
        }
    }

    public func finish() throws { try out.close() }
}

/// Reads an imagefolder `metadata.jsonl` (`file_name` with `text`, or with `objects`); the kind
/// comes from the first line.
enum HFImageFolderReader {
    static func open(_ url: URL) throws -> AnnotationReader {
        let kind: AnnotationKind = try firstObject(url)?["objects"] != nil ? .detection : .recognition
        return try LineFileReader(url: url, format: .hf, kind: kind) { line, loc in
            let v: JSONValue
            do { v = try JSONReader.parse(line) } catch let f as JSONReader.Failure { throw loc.error("not JSON: \(f.message)") }
            guard let name = v["file_name"]?.string else { throw loc.error("no file_name string") }
            if kind == .recognition {
                guard let text = v["text"]?.string else { throw loc.error("no text string") }
                return .recognition(name, text: text, location: loc)
            }
            guard let objects = v["objects"] else { throw loc.error("no objects") }
            let polygons = objects["polygon"]?.array ?? []
            let boxes = objects["bbox"]?.array ?? []
            let texts = objects["text"]?.array ?? []
            let ignores = objects["ignore"]?.array ?? []
            var instances: [TextInstance] = []
            for j in 0..<max(polygons.count, boxes.count) {
                var polygon: [Double]
                if j < polygons.count {
                    polygon = polygons[j].array?.compactMap(\.number) ?? []
                    guard polygon.count >= 6, polygon.count % 2 == 0 else { throw loc.error("objects.polygon[\(j)] is not an even list of at least 6 numbers") }
                } else {
                    let b = boxes[j].array?.compactMap(\.number) ?? []
                    guard b.count == 4 else { throw loc.error("objects.bbox[\(j)] is not [x, y, w, h]") }
                    polygon = [b[0], b[1], b[0] + b[2], b[1], b[0] + b[2], b[1] + b[3], b[0], b[1] + b[3]]
                }
                let ignore: Bool
                if j < ignores.count, case let .bool(b) = ignores[j] { ignore = b } else { ignore = false }
                instances.append(TextInstance(polygon: polygon, text: j < texts.count ? texts[j].string : nil, ignore: ignore))
            }
            return AnnotationRecord(imagePath: name, width: try loc.int(v["width"], "width"), height: try loc.int(v["height"], "height"),
                                    instances: instances, location: loc)
        }
    }

    /// The first non-blank line as JSON, if it is.
    static func firstObject(_ url: URL) throws -> JSONValue? {
        let reader = try LineReader(url: url)
        while let line = reader.next() {
            let text = try reader.decode(line)
            if text.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            return try? JSONReader.parse(text)
        }
        return nil
    }
}
