import Foundation
import PrepCore

/// NAF (National Archives Forms): the split file `train_valid_test_split.json` (`{"train": {group:
/// [image, …]}, "valid": …, "test": …}`) lists each split's images; each image's ground truth is
/// `groups/<group>/<image stem>.json` beside it (`textBBs`, `fieldBBs` with `poly_points`,
/// `transcriptions` by box id). Read as MMOCR 0.6.3's `naf_converter.py` (§2.6): every text box,
/// then every field box except `blank` ones; segmentation = the points, bbox x = max(0, min xs),
/// w = max xs − x (numbers keep their JSON type), area w·h, iscrowd 0. An image whose ground truth
/// is missing is reported (the reference leaves it out silently).
///
/// Option `boxes`: `det` (the above) or `recog`, the boxes of the reference's
/// `textrecog/naf_converter.py` (§3.1): only field boxes with a non-empty transcription, in
/// order; the text stripped of U+202A at both ends and of every `«` and `»`; a text holding `§`
/// (illegible) or `¿` (unreadable character) is a do-not-care instance.
public struct NAFConverter: WholeFileConverter {
    public enum Boxes: String, Sendable, CaseIterable { case det, recog }
    public let boxes: Boxes

    public init(options: ConverterOptions) throws {
        boxes = try options.choice("boxes", default: .det, converter: "naf")
    }

    public func read(file: URL, split: String, skip: (String, String) -> Void) throws -> [AnnotatedImage] {
        let doc = try JSONFile.load(file)
        guard case .object = doc, case let .object(groups)? = doc[split] else {
            throw PrepError.input(file: file.path, line: nil, reason: "expected an object with a '\(split)' map of groups to images")
        }
        let groupsDir = file.deletingLastPathComponent().appendingPathComponent("groups")
        var images: [AnnotatedImage] = []
        for (group, list) in groups {
            guard let names = list.array else { skip("\(file.lastPathComponent): \(split).\(group)", "not a list of images"); continue }
            for case let .string(name) in names {
                let gt = groupsDir.appendingPathComponent(group).appendingPathComponent(Self.stemOf(name) + ".json")
                let location = "groups/\(group)/\(gt.lastPathComponent)"
                let boxes = self.boxes
                images.append(AnnotatedImage(name: name, instances: [], location: location, lazyInstances: {
                    guard FileManager.default.fileExists(atPath: gt.path) else {
                        throw PrepError.input(file: gt.path, line: nil, reason: "missing ground truth for \(name)")
                    }
                    let doc = try JSONFile.load(gt)
                    return try boxes == .det ? Self.instances(doc, file: gt.path) : Self.recognitionInstances(doc, file: gt.path)
                }))
            }
        }
        return images
    }

    static func stemOf(_ name: String) -> String { PathText.deletingExtension(name) }

    /// The recognition boxes (option `boxes: recog`). A box whose polygon is not 4 points is cut
    /// from its bounds (the reference's reshape to 8 values crashes on it).
    static func recognitionInstances(_ doc: JSONValue, file: String) throws -> [TextInstance] {
        guard case let .object(pairs)? = doc["transcriptions"] else { return [] }
        var texts: [String: String] = [:]
        for (k, v) in pairs { if let t = v.string { texts[k] = t } }
        var out: [TextInstance] = []
        for (k, box) in (doc["fieldBBs"]?.array ?? []).enumerated() {
            guard let id = box["id"]?.string, let word = texts[id], !word.isEmpty else { continue }
            guard let pts = box["poly_points"]?.array, pts.count >= 3 else {
                throw PrepError.input(file: file, line: nil, reason: "fieldBBs[\(k)]: 'poly_points' needs at least 3 points")
            }
            var flat: [Double] = []
            for p in pts {
                guard let xy = p.array, xy.count == 2, let x = xy[0].number, let y = xy[1].number, x.isFinite, y.isFinite else {
                    throw PrepError.input(file: file, line: nil, reason: "fieldBBs[\(k)]: a point is not [x, y]")
                }
                flat += [x, y]
            }
            let text = cleanedTranscription(word)
            out.append(TextInstance(polygon: flat, text: text, ignore: text.unicodeScalars.contains { $0 == "§" || $0 == "¿" }))
        }
        return out
    }

    /// The reference's cleaning: U+202A stripped from both ends, strike-through marks `«` `»` removed.
    static func cleanedTranscription(_ word: String) -> String {
        var scalars = Substring(word).unicodeScalars
        while scalars.first == "\u{202A}" { scalars.removeFirst() }
        while scalars.last == "\u{202A}" { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars.filter { $0 != "«" && $0 != "»" }))
    }

    static func instances(_ doc: JSONValue, file: String) throws -> [TextInstance] {
        var texts: [String: String] = [:]
        if case let .object(pairs)? = doc["transcriptions"] { for (k, v) in pairs { if let t = v.string { texts[k] = t } } }
        var out: [TextInstance] = []
        for kind in ["textBBs", "fieldBBs"] {
            for (k, box) in (doc[kind]?.array ?? []).enumerated() {
                if kind == "fieldBBs", box["type"]?.string == "blank" { continue }
                func fail(_ r: String) -> PrepError { .input(file: file, line: nil, reason: "\(kind)[\(k)]: \(r)") }
                guard let pts = box["poly_points"]?.array, pts.count >= 3 else { throw fail("'poly_points' needs at least 3 points") }
                var xs: [JSONValue] = [], ys: [JSONValue] = [], flat: [JSONValue] = []
                for p in pts {
                    guard let xy = p.array, xy.count == 2, xy.allSatisfy({ ($0.number.map { $0.isFinite }) ?? false }) else {
                        throw fail("a point is not [x, y]")
                    }
                    xs.append(xy[0]); ys.append(xy[1]); flat += xy
                }
                let x = PyNumber.clampedAtZero(PyNumber.min(xs)), y = PyNumber.clampedAtZero(PyNumber.min(ys))
                let w = PyNumber.minus(PyNumber.max(xs), x), h = PyNumber.minus(PyNumber.max(ys), y)
                let integers = flat.allSatisfy { if case .int = $0 { return true } else { return false } }
                out.append(TextInstance(polygon: flat.map { $0.number! }, integerCoordinates: integers,
                                        text: box["id"]?.string.flatMap { texts[$0] }, ignore: false,
                                        attributes: ["bbox": .array([x, y, w, h]), "area": PyNumber.times(w, h), "segmentation": .array(flat)]))
            }
        }
        return out
    }
}
