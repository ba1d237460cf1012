import Foundation
import PrepCore

/// Reads a docTR `labels.json` (what `DocTRWriter` writes, or docTR's own datasets): the kind
/// comes from the first entry — a string (`RecognitionDataset`), `polygons` (a list, or a dict of
/// class → list, `DetectionDataset`) or `typed_words` (`OCRDataset`). Sizes from
/// `img_dimensions` ([width, height]) where present.
enum DocTRReader {
    static func open(_ url: URL) throws -> AnnotationReader {
        let path = url.path
        guard case let .object(entries) = try JSONDocument.load(url) else {
            throw PrepError.input(file: path, line: nil, reason: "expected a docTR labels.json object {image name: label}")
        }
        let kind: AnnotationKind = entries.first.map { $0.1.string != nil } == true ? .recognition : .detection
        return ListReader(format: .doctr, kind: kind, count: entries.count) { k in
            let (name, value) = entries[k]
            let loc = RecordLocation(file: path, element: "[\(PyJSON(ensureASCII: false).string(.string(name)))]")
            if kind == .recognition {
                guard let text = value.string else { throw loc.error("a recognition label must be a string") }
                return .recognition(name, text: text, location: loc)
            }
            var instances: [TextInstance] = []
            if let polygons = value["polygons"] {
                var lists: [(String?, JSONValue)] = []
                switch polygons {
                case .array: lists = [(nil, polygons)]
                case let .object(byClass): lists = byClass.map { ($0.0, $0.1) }
                default: throw loc.error("polygons is neither a list nor a dict of class lists")
                }
                for (cls, list) in lists {
                    for (j, poly) in (list.array ?? []).enumerated() {
                        let flat = try points(poly, loc, "polygons[\(j)]")
                        instances.append(TextInstance(polygon: flat, attributes: cls.map { ["class": .string($0)] } ?? [:]))
                    }
                }
            } else if let words = value["typed_words"]?.array {
                for (j, w) in words.enumerated() {
                    guard let text = w["value"]?.string else { throw loc.error("typed_words[\(j)] has no value string") }
                    guard let g = w["geometry"]?.array else { throw loc.error("typed_words[\(j)] has no geometry") }
                    let polygon: [Double]
                    if g.first?.array != nil {
                        polygon = try points(.array(g), loc, "typed_words[\(j)].geometry")
                    } else {
                        let b = g.compactMap(\.number)
                        guard b.count == g.count, b.count >= 4 else { throw loc.error("typed_words[\(j)].geometry is not [xmin, ymin, xmax, ymax]") }
                        polygon = [b[0], b[1], b[2], b[1], b[2], b[3], b[0], b[3]]
                    }
                    instances.append(TextInstance(polygon: polygon, text: text))
                }
            } else {
                throw loc.error("neither polygons nor typed_words")
            }
            let dims = value["img_dimensions"]?.array?.compactMap(\.number)
            return AnnotationRecord(imagePath: name, width: dims?.count == 2 ? Int(dims![0]) : nil,
                                    height: dims?.count == 2 ? Int(dims![1]) : nil, instances: instances, location: loc)
        }
    }

    /// `[[x, y], …]` (at least 3 points) as a flat polygon.
    static func points(_ value: JSONValue, _ loc: RecordLocation, _ what: String) throws -> [Double] {
        guard let pts = value.array, pts.count >= 3 else { throw loc.error("\(what) is not a list of at least 3 [x, y] points") }
        var flat: [Double] = []
        for p in pts {
            guard let xy = p.array, xy.count == 2, let x = xy[0].number, let y = xy[1].number else {
                throw loc.error("\(what) is not a list of [x, y] points")
            }
            flat += [x, y]
        }
        return flat
    }
}
