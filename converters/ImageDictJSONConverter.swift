import Foundation
import PrepCore

/// ArT and LSVT ground truth: one JSON object mapping each image key (`gt_1726`) to its list of
/// instances `{transcription, points: [[x, y], …], illegibility, language}`, as MMOCR 0.6.3's
/// `art_converter.py` / `lsvt_converter.py` read it (§2.6): points are clamped at 0 (not at the
/// image size), bbox and area come from the clamped points (w·h), numbers keep the JSON's type.
/// Images are `<key>.<image_extension>`, in the file's key order.
///
/// Options: `ignore` — `text-or-illegible` (ArT: `###` or illegibility) or `illegible` (LSVT:
/// illegibility only, as the reference); `image_extension` (default `jpg`).
public struct ImageDictJSONConverter: WholeFileConverter {
    public enum IgnoreRule: String, Sendable, CaseIterable { case textOrIllegible = "text-or-illegible", illegible }
    public let ignoreRule: IgnoreRule
    public let imageExtension: String

    public init(options: ConverterOptions) throws {
        let rule: IgnoreRule = try options.choice("ignore", default: .textOrIllegible, converter: "image-dict-json")
        ignoreRule = rule
        imageExtension = options.string("image_extension", default: "jpg")
    }

    public func read(file: URL, split: String, skip: (String, String) -> Void) throws -> [AnnotatedImage] {
        guard case let .object(entries) = try JSONFile.load(file) else {
            throw PrepError.input(file: file.path, line: nil, reason: "expected a JSON object mapping image keys to instance lists")
        }
        var images: [AnnotatedImage] = []
        images.reserveCapacity(entries.count)
        let fileName = file.lastPathComponent
        for (key, value) in entries {
            let location = "\(fileName): \(key)"
            guard let list = value.array else { skip(location, "expected a list of instances"); continue }
            var instances: [TextInstance] = []
            var bad: String?
            for (k, ann) in list.enumerated() {
                do { instances.append(try instance(ann)) } catch let e as EntryError {
                    bad = "instance \(k): \(e.reason)"
                    break
                }
            }
            if let bad { skip(location, bad); continue }
            images.append(AnnotatedImage(name: key + "." + imageExtension, instances: instances, location: location))
        }
        return images
    }

    struct EntryError: Error { var reason: String }

    func instance(_ ann: JSONValue) throws -> TextInstance {
        guard let points = ann["points"]?.array else { throw EntryError(reason: "no 'points' list") }
        // Python arithmetic on the JSON numbers, so each value keeps its type as in the reference
        // (`max(0, x)` gives the int 0 for a negative float; min/max keep the first extreme).
        var xs: [JSONValue] = [], ys: [JSONValue] = []
        for p in points {
            guard let xy = p.array, xy.count == 2, let x = xy[0].number, let y = xy[1].number, x.isFinite, y.isFinite else {
                throw EntryError(reason: "a point is not [x, y]")
            }
            xs.append(x > 0 ? xy[0] : .int(0))
            ys.append(y > 0 ? xy[1] : .int(0))
        }
        guard xs.count >= 3 else { throw EntryError(reason: "a polygon needs at least 3 points (has \(xs.count))") }
        guard case let .string(text)? = ann["transcription"] else { throw EntryError(reason: "no 'transcription' string") }
        let illegible: Bool
        switch ann["illegibility"] {
        case let .bool(b)?: illegible = b
        case nil: illegible = false
        default: throw EntryError(reason: "'illegibility' is not true or false")
        }
        let ignore = ignoreRule == .illegible ? illegible : (illegible || text == "###")
        let x = PyNumber.min(xs), y = PyNumber.min(ys)
        let w = PyNumber.minus(PyNumber.max(xs), x), h = PyNumber.minus(PyNumber.max(ys), y)
        var polygon: [Double] = []
        var flat: [JSONValue] = []
        for (px, py) in zip(xs, ys) {
            polygon += [px.number!, py.number!]
            flat += [px, py]
        }
        var attributes: [String: JSONValue] = [:]
        attributes["bbox"] = .array([x, y, w, h])
        attributes["area"] = PyNumber.times(w, h)
        attributes["segmentation"] = .array(flat)
        if case let .string(lang)? = ann["language"] { attributes["language"] = .string(lang) }
        let integers = flat.allSatisfy { if case .int = $0 { return true } else { return false } }
        return TextInstance(polygon: polygon, integerCoordinates: integers, text: text, ignore: ignore, attributes: attributes)
    }
}
