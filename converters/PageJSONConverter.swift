import Foundation
import PrepCore

/// Per-image JSON ground truth (one file per image), read as MMOCR 0.6.3's converters (§2.6):
///
/// - `funsd`: `{"form": [{"words": [{"box": [x1, y1, x2, y2], "text"}]}]}`, every word of every
///   form entry; x = max(0, min(⌊x1⌋, ⌊x2⌋)), w = ⌈|x2 − x1|⌉ (same for y); the rectangle as
///   segmentation; area w·h; an empty text marks the word ignored.
/// - `rects`: `{"lines": [{"points": [8 numbers], "transcription", "ignore"}], "chars": …}`, the
///   lines only; segmentation = the points as given (numbers keep their JSON type); bbox x =
///   max(0, min xs), w = |max xs − x|; area w·h; `ignore` = 1 marks the line ignored.
///
/// Options: `schema` (`funsd`, `rects`); `level` (`word`, the default, or `entity`: FUNSD's
/// form entries themselves — box, text — with their KIE `label`, `id` and `linking` in the
/// attributes `kie_label`, `kie_id`, `kie_linking`, for key information extraction).
public struct PageJSONConverter: PerImageConverter {
    public enum Schema: String, Sendable, CaseIterable { case funsd, rects }
    public enum Level: String, Sendable, CaseIterable { case word, entity }
    public let schema: Schema
    public let level: Level

    public init(options: ConverterOptions) throws {
        let s: Schema = try options.choice("schema", default: .funsd, converter: "page-json")
        schema = s
        level = try options.choice("level", default: .word, converter: "page-json")
    }

    /// FUNSD form entries (and XFUND's `document` entries, the same shape) as KIE entities
    /// (`level: entity`).
    static func entities(_ form: [JSONValue], fail: (String) -> PrepError) throws -> [TextInstance] {
        try form.enumerated().map { i, entry in
            let at = "form[\(i)]"
            guard let box = entry["box"]?.array?.compactMap(\.number), box.count == 4, box.allSatisfy(\.isFinite) else {
                throw fail("\(at): no 'box' of 4 numbers")
            }
            guard case let .string(text)? = entry["text"] else { throw fail("\(at): no 'text' string") }
            guard case let .string(label)? = entry["label"] else { throw fail("\(at): no 'label' string") }
            guard case let .int(id)? = entry["id"] else { throw fail("\(at): no integer 'id'") }
            let links = try (entry["linking"]?.array ?? []).map { pair -> JSONValue in
                guard let p = pair.array, p.count == 2, case .int = p[0], case .int = p[1] else { throw fail("\(at).linking: not [id, id] pairs") }
                return pair
            }
            let (x1, y1, x2, y2) = (min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3]))
            let integers = entry["box"]?.array?.allSatisfy { if case .int = $0 { return true } else { return false } } ?? false
            return TextInstance(polygon: [x1, y1, x2, y1, x2, y2, x1, y2], integerCoordinates: integers, text: text, ignore: false,
                                attributes: ["kie_label": .string(label), "kie_id": .int(id), "kie_linking": .array(links)])
        }
    }

    public func parse(annotation url: URL) throws -> [TextInstance] {
        let doc = try JSONFile.load(url)
        func fail(_ reason: String) -> PrepError { .input(file: url.path, line: nil, reason: reason) }
        switch schema {
        case .funsd:
            guard let form = doc["form"]?.array else { throw fail("no 'form' list") }
            return level == .entity ? try Self.entities(form, fail: fail) : try Self.words(form, entry: "form", fail: fail)
        case .rects:
            return try rects(doc, fail: fail)
        }
    }

    /// Every word of every form entry, as MMOCR 0.6.3's FUNSD converter boxes them.
    static func words(_ form: [JSONValue], entry name: String, fail: (String) -> PrepError) throws -> [TextInstance] {
        var out: [TextInstance] = []
        for (i, entry) in form.enumerated() {
            guard let words = entry["words"]?.array else { throw fail("\(name)[\(i)] has no 'words' list") }
            for (j, word) in words.enumerated() {
                let at = "\(name)[\(i)].words[\(j)]"
                guard let box = word["box"]?.array, box.count == 4 else { throw fail("\(at): no 'box' of 4 numbers") }
                let b = try box.enumerated().map { k, v -> Double in
                    guard let d = v.number else { throw fail("\(at): 'box' holds a non-number") }
                    do { _ = try CheckedInt.make(d, path: "box[\(k)]") } catch { throw fail("\(at): \(error)") }
                    return d
                }
                guard case let .string(text)? = word["text"] else { throw fail("\(at): no 'text' string") }
                let x = max(0, min(Int(b[0].rounded(.down)), Int(b[2].rounded(.down))))
                let y = max(0, min(Int(b[1].rounded(.down)), Int(b[3].rounded(.down))))
                let w = Int(abs(b[2] - b[0]).rounded(.up)), h = Int(abs(b[3] - b[1]).rounded(.up))
                out.append(TextInstance(polygon: [x, y, x + w, y, x + w, y + h, x, y + h].map(Double.init), integerCoordinates: true,
                                        text: text, ignore: text.isEmpty,
                                        attributes: ["bbox": .array([.int(x), .int(y), .int(w), .int(h)]), "area": .int(w * h)]))
            }
        }
        return out
    }

    func rects(_ doc: JSONValue, fail: (String) -> PrepError) throws -> [TextInstance] {
        guard let lines = doc["lines"]?.array else { throw fail("no 'lines' list") }
        return try lines.enumerated().map { i, line in
            let at = "lines[\(i)]"
            guard let pts = line["points"]?.array, pts.count >= 6, pts.count % 2 == 0,
                  pts.allSatisfy({ ($0.number.map { $0.isFinite }) ?? false }) else {
                throw fail("\(at): 'points' must hold an even count (at least 6) of numbers")
            }
            guard case let .string(text)? = line["transcription"] else { throw fail("\(at): no 'transcription' string") }
            let xs = stride(from: 0, to: pts.count, by: 2).map { pts[$0] }
            let ys = stride(from: 1, to: pts.count, by: 2).map { pts[$0] }
            let x = PyNumber.clampedAtZero(PyNumber.min(xs)), y = PyNumber.clampedAtZero(PyNumber.min(ys))
            let w = PyNumber.abs(PyNumber.minus(PyNumber.max(xs), x)), h = PyNumber.abs(PyNumber.minus(PyNumber.max(ys), y))
            let ignore: Bool
            switch line["ignore"] {
            case let .int(v)?: ignore = v != 0
            case let .bool(v)?: ignore = v
            case nil: ignore = false
            default: throw fail("\(at): 'ignore' is not 0 or 1")
            }
            let integers = pts.allSatisfy { if case .int = $0 { return true } else { return false } }
            return TextInstance(polygon: pts.map { $0.number! }, integerCoordinates: integers, text: text, ignore: ignore,
                                attributes: ["bbox": .array([x, y, w, h]), "area": PyNumber.times(w, h), "segmentation": .array(pts)])
        }
    }
}
