import Foundation
import PrepCore

/// Reads an MMOCR 1.x annotation file (textdet, textspotting or textrecog; the task comes from
/// `metainfo.task_name`) into records, `data_list` in order. Polygons come from `polygon`, or
/// from `bbox` (xyxy) when an instance has none, as MMOCR's packers derive one from the other.
enum MMOCR1Reader {
    static func open(_ url: URL) throws -> AnnotationReader {
        let path = url.path
        let root = try JSONDocument.load(url)
        guard let list = root["data_list"]?.array else {
            throw PrepError.input(file: path, line: nil, reason: "expected an MMOCR 1.x object with a 'data_list' list")
        }
        let taskName = root["metainfo"]?["task_name"]?.string
        let task: MMOCR1Task
        if let taskName {
            guard let t = MMOCR1Task(taskName: taskName) else {
                throw PrepError.input(file: path, line: nil, reason: "metainfo.task_name '\(taskName)' is none of textdet, textrecog, textspotting")
            }
            task = t
        } else {
            // No metainfo: a recognition list has no polygons.
            task = list.first?["instances"]?.array?.first?["polygon"] == nil && list.first?["instances"]?.array?.first?["bbox"] == nil ? .textrecog : .textdet
        }
        return ListReader(format: .mmocr1, kind: task.kind, count: list.count) { k in
            let loc = RecordLocation(file: path, element: "data_list[\(k)]")
            let item = list[k]
            guard let imgPath = item["img_path"]?.string else { throw loc.error("no img_path") }
            guard let insts = item["instances"]?.array else { throw loc.error("no instances list") }
            if task == .textrecog {
                guard insts.count == 1, let text = insts[0]["text"]?.string else {
                    throw loc.error("a textrecog item needs exactly one instance with a text")
                }
                return .recognition(imgPath, text: text, location: loc)
            }
            var instances: [TextInstance] = []
            for (j, inst) in insts.enumerated() {
                var polygon: [Double]
                if let p = inst["polygon"]?.array {
                    polygon = p.compactMap(\.number)
                    guard polygon.count == p.count, polygon.count >= 6, polygon.count % 2 == 0 else {
                        throw loc.error("instances[\(j)].polygon is not an even list of at least 6 numbers")
                    }
                } else if let b = inst["bbox"]?.array?.compactMap(\.number), b.count == 4 {
                    polygon = [b[0], b[1], b[2], b[1], b[2], b[3], b[0], b[3]]
                } else {
                    throw loc.error("instances[\(j)] has neither polygon nor bbox")
                }
                let ignore: Bool
                switch inst["ignore"] {
                case .bool(let b)?: ignore = b
                case nil, .null?: ignore = false
                default: throw loc.error("instances[\(j)].ignore is not true or false")
                }
                instances.append(TextInstance(polygon: polygon, integerCoordinates: false, text: inst["text"]?.string, ignore: ignore,
                                              attributes: TextInstance.scoreAttributes(inst["score"])))
            }
            return AnnotationRecord(imagePath: imgPath, width: try loc.int(item["width"], "width"),
                                    height: try loc.int(item["height"], "height"), instances: instances, location: loc)
        }
    }
}

/// A whole JSON document read with `JSONReader` (json.loads semantics); a syntax error names the
/// line and column.
enum JSONDocument {
    static func load(_ url: URL) throws -> JSONValue {
        var bytes = try FileBytes.readInput(url)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        do { return try JSONReader.parse(bytes) } catch let f as JSONReader.Failure {
            let upTo = bytes[..<min(f.offset, bytes.count)]
            let line = upTo.filter { $0 == 0x0A }.count + 1
            let column = upTo.count - (upTo.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
            throw PrepError.input(file: url.path, line: line, reason: "not valid JSON: \(f.message) (column \(column))")
        }
    }
}
