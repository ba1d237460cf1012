import Foundation
import PrepCore

/// COCO detection JSON → MMOCR line-JSON (`{"file_name", "height", "width", "annotations"}` per
/// image, annotations reduced to `iscrowd, category_id, bbox, segmentation` and `text` where
/// present, which `LineJSONWriter(keepText: false)` leaves out), as MMOCR 0.6.3's
/// `textdet/coco_to_line_dict.py`. Images keep their file order (an id listed twice keeps its
/// first place and takes the last entry, as the reference's dict does); annotations whose
/// `image_id` names no image are dropped, as there. Differences: a file without `annotations`
/// gives images with none (the reference crashes), and an entry lacking a key is skipped and
/// reported by its index instead of stopping the run.
public struct COCOLineDict {
    /// One output line's content, for `LineJSONWriter.addImage`.
    public struct Line {
        public var fileName: JSONValue, height: JSONValue, width: JSONValue
        public var annotations: [[(String, JSONValue)]]
        public var annotationCount: Int { annotations.count }
    }

    /// An entry left out, with its JSON position (`images[3]`, `annotations[12]`).
    public struct Skipped {
        public var position: String
        public var reason: String
    }

    public private(set) var lines: [Line] = []
    public private(set) var skipped: [Skipped] = []
    public private(set) var droppedAnnotations = 0

    /// Builds the lines of a parsed COCO document; a document that is not an object with an
    /// `images` list is a structural error.
    public init(document: JSONValue, file: String) throws {
        guard case .object = document else {
            throw PrepError.input(file: file, line: nil, reason: "expected a COCO JSON object at the top level")
        }
        guard let images = document["images"]?.array else {
            throw PrepError.input(file: file, line: nil, reason: "no 'images' list")
        }
        var order: [String] = []
        var infoOf: [String: JSONValue] = [:]
        var annsOf: [String: [[(String, JSONValue)]]] = [:]
        for (k, image) in images.enumerated() {
            var missing: [String] = []
            for key in ["id", "file_name", "height", "width"] where image[key] == nil { missing.append(key) }
            if !missing.isEmpty {
                skipped.append(Skipped(position: "images[\(k)]", reason: "missing \(missing.joined(separator: ", "))"))
                continue
            }
            let id = Self.idKey(image["id"]!)
            if infoOf[id] == nil { order.append(id) }
            infoOf[id] = image
            annsOf[id] = []
        }
        if let anns = document["annotations"] {
            guard let list = anns.array else {
                throw PrepError.input(file: file, line: nil, reason: "'annotations' is not a list")
            }
            for (k, ann) in list.enumerated() {
                var fields: [(String, JSONValue)] = []
                var missing: [String] = []
                for key in ["iscrowd", "category_id", "bbox", "segmentation"] {
                    if let v = ann[key] { fields.append((key, v)) } else { missing.append(key) }
                }
                let imageID = ann["image_id"]
                if imageID == nil { missing.insert("image_id", at: 0) }
                guard let imageID, missing.isEmpty else {
                    skipped.append(Skipped(position: "annotations[\(k)]", reason: "missing \(missing.joined(separator: ", "))"))
                    continue
                }
                if let text = ann["text"] { fields.append(("text", text)) }
                let id = Self.idKey(imageID)
                if annsOf[id] != nil { annsOf[id]!.append(fields) } else { droppedAnnotations += 1 }
            }
        }
        for id in order {
            let info = infoOf[id]!
            let anns = annsOf[id] ?? []
            lines.append(Line(fileName: info["file_name"]!, height: info["height"]!, width: info["width"]!, annotations: anns))
        }
    }

    /// A dictionary key equal for ids Python treats as equal (`1` and `1.0`).
    static func idKey(_ v: JSONValue) -> String {
        switch v {
        case let .int(i): return "n\(i)"
        case let .double(d): return d.rounded() == d && abs(d) < 9e15 ? "n\(Int(d))" : "d\(d)"
        case let .bool(b): return b ? "n1" : "n0"
        default: return "j" + PyJSON().string(v)
        }
    }
}
