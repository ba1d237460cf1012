import Foundation
import PrepCore

/// SCUT-CTW1500 ground truth, told apart by extension (§2.2): the training XML
/// (`<Annotations><image><box left top width height><label>…</label><segs>28 ints</segs></box>`,
/// bbox taken from the box attributes as the reference does) and the test txt (28 comma-separated
/// integers then `####text`). 14-point polygons.
///
/// Unlike the reference, a `###` transcription marks the box ignored (the reference never sets
/// iscrowd) and a test transcription keeps its commas (the reference cuts it at the first one).
public struct CTW1500Converter: PerImageConverter {
    public init(options: ConverterOptions) throws {}

    public func parse(annotation url: URL) throws -> [TextInstance] {
        url.pathExtension.lowercased() == "xml" ? try parseXML(url) : try parseTxt(url)
    }

    func instance(_ pts: [Int], text: String, bbox: JSONValue?) -> TextInstance {
        var attributes: [String: JSONValue] = [:]
        if let bbox { attributes["bbox"] = bbox }
        return TextInstance(polygon: pts.map(Double.init), integerCoordinates: true, text: text, ignore: text == "###",
                            attributes: attributes)
    }

    func parseXML(_ url: URL) throws -> [TextInstance] {
        let root = try XMLTree.parse(file: url)
        var out: [TextInstance] = []
        for image in root.children {
            for box in image.children {
                func attr(_ k: String) throws -> Int {
                    guard let s = box.attribute(k), let v = try CheckedInt.parse(TextTrim.strip(s), path: k, file: url.path, line: box.line) else {
                        throw PrepError.input(file: url.path, line: box.line, reason: "box attribute '\(k)' is missing or not an integer")
                    }
                    return v
                }
                let bbox = JSONValue.array(try ["left", "top", "width", "height"].map { .int(try attr($0)) })
                guard box.children.count >= 2 else {
                    throw PrepError.input(file: url.path, line: box.line, reason: "a box needs a label and a segs element")
                }
                let segs = box.children[1]
                let pts = try segs.text.split(separator: ",").enumerated().map {
                    try CheckedInt.parse(TextTrim.strip($1), path: "segs value \($0 + 1)", file: url.path, line: segs.line)
                }
                guard pts.count == 28, pts.allSatisfy({ $0 != nil }) else {
                    throw PrepError.input(file: url.path, line: box.children[1].line, reason: "segs must be 28 integers (found \(pts.count) values)")
                }
                out.append(instance(pts.map { $0! }, text: box.children[0].text, bbox: bbox))
            }
        }
        return out
    }

    func parseTxt(_ url: URL) throws -> [TextInstance] {
        var out: [TextInstance] = []
        let reader = try LineReader(url: url)
        while let raw = reader.next() {
            let line = TextTrim.strip(try reader.decode(raw))
            if line.isEmpty { continue }
            let fields = line.split(separator: ",", maxSplits: 28, omittingEmptySubsequences: false)
            guard fields.count == 29 else {
                throw PrepError.input(file: url.path, line: raw.number, reason: "expected 28 coordinates and a ####text field, found \(fields.count) fields")
            }
            var pts: [Int] = []
            for (k, f) in fields.prefix(28).enumerated() {
                guard let v = try CheckedInt.parse(TextTrim.strip(f), path: "coordinate \(k + 1)", file: url.path, line: raw.number) else {
                    throw PrepError.input(file: url.path, line: raw.number, reason: "coordinate \(k + 1) is not an integer: '\(f)'")
                }
                pts.append(v)
            }
            let last = fields[28]
            guard last.hasPrefix("#") else {
                throw PrepError.input(file: url.path, line: raw.number, reason: "the transcription field must start with ####")
            }
            out.append(instance(pts, text: String(last.dropFirst(min(4, last.prefix(while: { $0 == "#" }).count))), bbox: nil))
        }
        return out
    }
}
