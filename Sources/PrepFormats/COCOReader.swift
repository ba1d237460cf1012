import Foundation
import PrepCore

/// Reads MMOCR 0.x COCO-style detection JSON (what `COCOWriter` and the reference's
/// `convert_annotations` write) back into canonical samples, images in file order with their
/// annotations in file order. Sizes are the recorded ones; the caller probes the files.
public struct COCOReader {
    /// One `images` entry with its annotations.
    public struct Image {
        public var fileName: String
        public var width: Int
        public var height: Int
        public var segmFile: String?
        public var instances: [TextInstance]
        /// Whether every annotation carried a `text`.
        public var hasText: Bool
    }

    public let url: URL
    public let images: [Image]
    public var annotationCount: Int { images.reduce(0) { $0 + $1.instances.count } }

    /// Parses the file; content that is not COCO 0.x is an error naming the file and the entry.
    public init(url: URL) throws {
        self.url = url
        let path = url.path
        let data = Data(try FileBytes.readInput(url))
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw PrepError.input(file: path, line: nil, reason: "not valid JSON (\(error.localizedDescription))")
        }
        guard let top = root as? [String: Any], let imgs = top["images"] as? [[String: Any]] else {
            throw PrepError.input(file: path, line: nil, reason: "expected a COCO object with an 'images' list")
        }
        var order: [Int] = []
        var byID: [Int: Image] = [:]
        for (k, im) in imgs.enumerated() {
            guard let name = im["file_name"] as? String, let id = (im["id"] as? NSNumber)?.intValue else {
                throw PrepError.input(file: path, line: nil, reason: "images[\(k)] has no file_name or id")
            }
            if byID[id] != nil { throw PrepError.input(file: path, line: nil, reason: "images[\(k)]: image id \(id) is used twice") }
            byID[id] = Image(fileName: name, width: (im["width"] as? NSNumber)?.intValue ?? 0,
                             height: (im["height"] as? NSNumber)?.intValue ?? 0, segmFile: im["segm_file"] as? String,
                             instances: [], hasText: true)
            order.append(id)
        }
        for (k, a) in ((top["annotations"] as? [[String: Any]]) ?? []).enumerated() {
            guard let imageID = (a["image_id"] as? NSNumber)?.intValue, byID[imageID] != nil else {
                throw PrepError.input(file: path, line: nil, reason: "annotations[\(k)] refers to no image (image_id \(a["image_id"] ?? "missing"))")
            }
            var polygon: [Double] = []
            var integers = true
            if let seg = a["segmentation"] as? [[NSNumber]], let first = seg.first {
                polygon = first.map(\.doubleValue)
                integers = first.allSatisfy { let t = String(cString: $0.objCType); return t != "d" && t != "f" }
            } else if let b = a["bbox"] as? [NSNumber], b.count == 4 {
                polygon = Polygon.rectangle(x: b[0].doubleValue, y: b[1].doubleValue, w: b[2].doubleValue, h: b[3].doubleValue)
            }
            var attributes: [String: JSONValue] = [:]
            if let b = a["bbox"] as? [NSNumber], b.count == 4 { attributes["bbox"] = .array(b.map { .double($0.doubleValue) }) }
            let text = a["text"] as? String
            if text == nil { byID[imageID]!.hasText = false }
            byID[imageID]!.instances.append(TextInstance(polygon: polygon, integerCoordinates: integers, text: text,
                                                         ignore: ((a["iscrowd"] as? NSNumber)?.intValue ?? 0) != 0,
                                                         attributes: attributes))
        }
        images = order.map { byID[$0]! }
    }
}
