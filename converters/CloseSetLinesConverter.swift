import Foundation
import PrepCore

/// WildReceipt's close-set annotation files (one JSON object per line: `file_name`, `height`,
/// `width`, `annotations: [{box: 8 numbers, text, label}]`) read as text detection data, as MMOCR
/// 1.x's WildReceipt det parser does: each box is a quadrilateral with its text; sizes from the
/// file. A line that is blank or not such an object is reported with its number.
public struct CloseSetLinesConverter: WholeFileConverter {
    public init(options: ConverterOptions) throws {}

    public func read(file: URL, split: String, skip: (String, String) -> Void) throws -> [AnnotatedImage] {
        var images: [AnnotatedImage] = []
        let reader = try LineReader(url: file)
        while let raw = reader.next() {
            let location = "\(file.lastPathComponent):\(raw.number)"
            let record: JSONValue
            do {
                let text = try reader.decode(raw)
                if TextTrim.strip(text).isEmpty { continue }
                record = try JSONReader.parse(text)
            } catch let e as JSONReader.Failure { skip(location, "not valid JSON: \(e)"); continue
            } catch let PrepError.input(_, _, reason) { skip(location, reason); continue }
            guard case let .string(name)? = record["file_name"], let h = record["height"], let w = record["width"],
                  case .int = h, case .int = w, let anns = record["annotations"]?.array else {
                skip(location, "expected file_name, integer height and width, and annotations"); continue
            }
            var instances: [TextInstance] = []
            var bad: String?
            for (k, a) in anns.enumerated() {
                guard let box = a["box"]?.array, box.count == 8, box.allSatisfy({ ($0.number.map { $0.isFinite }) ?? false }) else {
                    bad = "annotations[\(k)]: 'box' must be 8 numbers"; break
                }
                let integers = box.allSatisfy { if case .int = $0 { return true } else { return false } }
                // The close-set class (0–25) rides along for KIE outputs (`kie_class`).
                var attributes: [String: JSONValue] = integers ? [:] : ["segmentation": .array(box)]
                if case let .int(label)? = a["label"] { attributes["kie_class"] = .int(label) }
                instances.append(TextInstance(polygon: box.map { $0.number! }, integerCoordinates: integers, text: a["text"]?.string ?? "",
                                              ignore: false, attributes: attributes))
            }
            if let bad { skip(location, bad); continue }
            images.append(AnnotatedImage(name: name, instances: instances, location: location,
                                         imageObject: .object([("file_name", .string(name)), ("height", h), ("width", w)])))
        }
        return images
    }
}
