import Foundation
import PrepCore

/// Reads PaddleOCR label files. Detection: `img_path<TAB>[{"transcription", "points"}, …]`;
/// `###` and `*` mark ignored instances (kept as text `###`), `""` means no transcription.
/// Recognition: `img_path<TAB>text` (the text is everything after the first tab, as a line
/// is `strip("\n").split("\t")` in `SimpleDataSet` — a second tab would be cut there; here it is kept).
enum PaddleReader {
    static func openDet(_ url: URL) throws -> AnnotationReader {
        try LineFileReader(url: url, format: .paddleDet, kind: .detection) { line, loc in
            let (path, rest) = try PaddleLine.split(line, loc)
            let value: JSONValue
            do { value = try JSONReader.parse(rest) } catch let f as JSONReader.Failure {
                throw loc.error("the label after the tab is not a JSON list: \(f.message) at character \(path.count + 2 + f.offset)")
            }
            guard let items = value.array else { throw loc.error("the label after the tab is not a JSON list") }
            var instances: [TextInstance] = []
            for (j, item) in items.enumerated() {
                guard let pts = item["points"]?.array else { throw loc.error("item \(j) has no points") }
                var polygon: [Double] = []
                var integers = true
                for p in pts {
                    guard let xy = p.array, xy.count == 2, let x = xy[0].number, let y = xy[1].number else {
                        throw loc.error("item \(j): points must be [x, y] pairs")
                    }
                    for v in xy { if case .double = v { integers = false } }
                    polygon += [x, y]
                }
                guard polygon.count >= 6 else { throw loc.error("item \(j) has fewer than 3 points") }
                guard let t = item["transcription"]?.string else { throw loc.error("item \(j) has no transcription string") }
                let ignore = t == "###" || t == "*"
                instances.append(TextInstance(polygon: polygon, integerCoordinates: integers,
                                              text: ignore ? "###" : (t.isEmpty ? nil : t), ignore: ignore,
                                              attributes: TextInstance.scoreAttributes(item["score"])))
            }
            return AnnotationRecord(imagePath: path, instances: instances, location: loc)
        }
    }

    static func openRec(_ url: URL) throws -> AnnotationReader {
        try LineFileReader(url: url, format: .paddleRec, kind: .recognition) { line, loc in
            let (path, text) = try PaddleLine.split(line, loc)
            return .recognition(path, text: text, location: loc)
        }
    }
}
