import Foundation
import PrepCore

/// NAF (National Archives Forms): the split file `train_valid_test_split.json` (`{"train": {group:
/// [image, …]}, "valid": …, "test": …}`) lists each split's images; each image's ground truth is
/// `groups/<group>/<image stem>.json` beside it (`textBBs`, `fieldBBs` with `poly_points`,
/// `transcriptions` by box id). Read as MMOCR 0.6.3's `naf_converter.py` (§2.6): every text box,
/// then every field box except `blank` ones; segmentation = the points, bbox x = max(0, min xs),
/// w = max xs − x (numbers keep their JSON type), area w·h, iscrowd 0. An image whose ground truth
/// is missing is reported (the reference leaves it out silently).
public struct NAFConverter: WholeFileConverter {
    public init(options: ConverterOptions) throws {}

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
                images.append(AnnotatedImage(name: name, instances: [], location: location, lazyInstances: {
                    guard FileManager.default.fileExists(atPath: gt.path) else {
                        throw PrepError.input(file: gt.path, line: nil, reason: "missing ground truth for \(name)")
                    }
                    return try Self.instances(JSONFile.load(gt), file: gt.path)
                }))
            }
        }
        return images
    }

    static func stemOf(_ name: String) -> String { (name as NSString).deletingPathExtension }

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
