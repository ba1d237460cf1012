import Foundation
import PrepCore

/// Per-image XML ground truth with axis-aligned word boxes (§2.5): VOC-style `object` elements
/// (`name`, `bndbox/xmin…ymax`: IIIT-ILST, Lecture Video DB) or KAIST `word` elements
/// (attributes `x, y, width, height`, the text spelled by `character@char` children). Each box is
/// written as the reference converter of its dataset writes it:
///
/// - `ilst`: bbox `[xmin, ymin, |xmax−xmin|, |ymax−ymin|]` with the raw corner, segmentation the
///   rectangle from the clamped minimum corner (the reference's inconsistency, kept for byte
///   compatibility of det; crops use the rectangle); an empty `name` marks the box ignored (the
///   reference crashes on it).
/// - `lv`: x = max(0, xmin), y = max(0, ymin), w = |xmax − x|, h = |ymax − y|.
/// - `kaist`: x = max(0, x), y = max(0, y), w and h as given.
///
/// Option: `schema` (`ilst`, `lv`, `kaist`).
public struct XMLBoxConverter: PerImageConverter {
    public enum Schema: String, Sendable, CaseIterable { case ilst, lv, kaist }
    public let schema: Schema

    public init(options: ConverterOptions) throws {
        let s: Schema = try options.choice("schema", default: .ilst, converter: "xml-box")
        schema = s
    }

    public func parse(annotation url: URL) throws -> [TextInstance] {
        let root = try XMLTree.parse(file: url)
        switch schema {
        case .kaist: return try root.all("word").map { try kaistWord($0, file: url.path) }
        case .ilst, .lv: return try root.all("object").map { try vocObject($0, file: url.path) }
        }
    }

    func int(_ e: XMLTree?, _ what: String, file: String, line: Int) throws -> Int {
        guard let e, let v = try CheckedInt.parse(TextTrim.strip(e.text), path: what, file: file, line: e.line) else {
            throw PrepError.input(file: file, line: e?.line ?? line, reason: "\(what) is missing or not an integer")
        }
        return v
    }

    func vocObject(_ o: XMLTree, file: String) throws -> TextInstance {
        let box = o.child("bndbox")
        let x1 = try int(box?.child("xmin"), "bndbox/xmin", file: file, line: o.line)
        let y1 = try int(box?.child("ymin"), "bndbox/ymin", file: file, line: o.line)
        let x2 = try int(box?.child("xmax"), "bndbox/xmax", file: file, line: o.line)
        let y2 = try int(box?.child("ymax"), "bndbox/ymax", file: file, line: o.line)
        let text = o.child("name")?.text ?? ""
        let x: Int, y: Int, w: Int, h: Int, bbox: [Int]
        switch schema {
        case .lv:
            x = max(0, x1); y = max(0, y1); w = abs(x2 - x); h = abs(y2 - y)
            bbox = [x, y, w, h]
        default:
            x = max(0, min(x1, x2)); y = max(0, min(y1, y2)); w = abs(x2 - x1); h = abs(y2 - y1)
            bbox = [x1, y1, w, h]
        }
        return rectangle(x: x, y: y, w: w, h: h, bbox: bbox, text: text, ignore: schema == .ilst && text.isEmpty)
    }

    func kaistWord(_ word: XMLTree, file: String) throws -> TextInstance {
        func attr(_ k: String) throws -> Int {
            guard let s = word.attribute(k), let v = try CheckedInt.parse(TextTrim.strip(s), path: k, file: file, line: word.line) else {
                throw PrepError.input(file: file, line: word.line, reason: "word attribute '\(k)' is missing or not an integer")
            }
            return v
        }
        let x = max(0, try attr("x")), y = max(0, try attr("y")), w = try attr("width"), h = try attr("height")
        let text = word.all("character").compactMap { $0.attribute("char") }.joined()
        return rectangle(x: x, y: y, w: w, h: h, bbox: [x, y, w, h], text: text, ignore: false)
    }

    func rectangle(x: Int, y: Int, w: Int, h: Int, bbox: [Int], text: String, ignore: Bool) -> TextInstance {
        TextInstance(polygon: [x, y, x + w, y, x + w, y + h, x, y + h].map(Double.init), integerCoordinates: true, text: text,
                     ignore: ignore, attributes: ["bbox": .array(bbox.map { .int($0) }), "area": .int(w * h)])
    }
}
