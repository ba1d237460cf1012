import Foundation
import PrepCore

/// HierText annotations (`{"annotations": [{"image_id", "image_width", "image_height",
/// "paragraphs": [{"vertices", "legible", "lines": [{"vertices", "text", "legible", "words":
/// […]}]}]}]}`), one JSON document despite the `.jsonl` name, possibly gzipped, read as MMOCR
/// 0.6.3's `hiertext_converter.py` (§2.6): iscrowd = not legible, area = the polygon's area,
/// bbox = its bounds, segmentation = the flattened vertices, sizes from the annotation.
///
/// Option `level`: `word` (default), `line` or `paragraph`. At word level the reference writes
/// the enclosing line's polygon once per word; prep writes the words.
public struct HierTextConverter: WholeFileConverter {
    public enum Level: String, Sendable, CaseIterable { case word, line, paragraph }
    public let level: Level

    public init(options: ConverterOptions) throws {
        let l: Level = try options.choice("level", default: .word, converter: "hiertext")
        level = l
    }

    public func read(file: URL, split: String, skip: (String, String) -> Void) throws -> [AnnotatedImage] {
        let source = try IndexedJSONFile(file)
        guard let list = source.top["annotations"] else {
            throw PrepError.input(file: file.path, line: nil, reason: "expected a JSON object with an 'annotations' list")
        }
        let fileName = file.lastPathComponent
        var images: [AnnotatedImage] = []
        for (k, range) in try source.elements(list, "annotations").enumerated() {
            var location = "\(fileName): annotations[\(k)]"
            // The small fields now; the polygons again on the worker (memory stays the file's).
            let entry: JSONValue
            do { entry = try source.value(range) } catch let e as PrepError { skip(location, e.description); continue }
            guard case let .string(id)? = entry["image_id"] else { skip(location, "no 'image_id' string"); continue }
            location += " (\(id))"
            guard let w = entry["image_width"], let h = entry["image_height"], case .int = w, case .int = h else {
                skip(location, "no integer 'image_width' / 'image_height'"); continue
            }
            let name = id + ".jpg"
            let converter = self
            let at = location
            let load: @Sendable () throws -> [TextInstance] = {
                guard let paragraphs = try source.value(range)["paragraphs"]?.array else {
                    throw PrepError.input(file: at, line: nil, reason: "no 'paragraphs' list")
                }
                return try converter.instances(paragraphs, location: at)
            }
            images.append(AnnotatedImage(name: name, instances: [], location: location,
                                         imageObject: .object([("file_name", .string(name)), ("height", h), ("width", w)]),
                                         lazyInstances: load))
        }
        return images
    }

    func instances(_ paragraphs: [JSONValue], location: String) throws -> [TextInstance] {
        var out: [TextInstance] = []
        for (p, paragraph) in paragraphs.enumerated() {
            if level == .paragraph { out.append(try instance(paragraph, "paragraphs[\(p)]", location)); continue }
            for (l, line) in (paragraph["lines"]?.array ?? []).enumerated() {
                if level == .line { out.append(try instance(line, "paragraphs[\(p)].lines[\(l)]", location)); continue }
                for (w, word) in (line["words"]?.array ?? []).enumerated() {
                    out.append(try instance(word, "paragraphs[\(p)].lines[\(l)].words[\(w)]", location))
                }
            }
        }
        return out
    }

    func instance(_ v: JSONValue, _ at: String, _ location: String) throws -> TextInstance {
        func fail(_ reason: String) -> PrepError { .input(file: location, line: nil, reason: "\(at): \(reason)") }
        guard let vertices = v["vertices"]?.array else { throw fail("no 'vertices' list") }
        var flat: [JSONValue] = []
        for p in vertices {
            guard let xy = p.array, xy.count == 2, xy.allSatisfy({ ($0.number.map { $0.isFinite }) ?? false }) else {
                throw fail("a vertex is not [x, y]")
            }
            flat += xy
        }
        guard flat.count >= 6 else { throw fail("a polygon needs at least 3 vertices (has \(flat.count / 2))") }
        let legible: Bool
        switch v["legible"] {
        case let .bool(b)?: legible = b
        default: throw fail("no 'legible' true/false")
        }
        let integers = flat.allSatisfy { if case .int = $0 { return true } else { return false } }
        var attributes: [String: JSONValue] = [:]
        if !integers { attributes["segmentation"] = .array(flat) }
        return TextInstance(polygon: flat.map { $0.number! }, integerCoordinates: integers, text: v["text"]?.string,
                            ignore: !legible, attributes: attributes)
    }
}
