import Foundation
import PrepCore

/// Writes PaddleOCR's KIE label lines (SER / RE, the XFUND layout its `SimpleDataSet` with
/// `VQATokenLabelEncode` reads): `img_path<TAB>[{"transcription", "label", "points": [[x, y] ×
/// 4], "id", "linking": [[id, id], …]}, …]`, raw UTF-8 (`json.dumps(…, ensure_ascii=False)`).
/// Each instance's `label`, `id` and `linking` come from its attributes `kie_label` (a class
/// name), or `kie_class` (a close-set number, named through `classNames`), `kie_id` (default: its
/// position) and `kie_linking` (default: none). An instance without a label is written as
/// `other` (counted). PaddleOCR reads 4-point `points`: other polygons are written as their
/// minimum-area rectangle (counted); a degenerate one is left out (counted).
public final class PaddleKIEWriter: AnnotationWriter {
    public var kind: AnnotationKind { .detection }
    public let losses = LossLog()
    private let out: BufferedFileWriter
    private let json = PyJSON(ensureASCII: false)
    /// Close-set class number → name (WildReceipt's class_list.txt).
    public let classNames: [Int: String]

    public init(url: URL, classNames: [Int: String] = [:]) throws {
        self.classNames = classNames
        out = try BufferedFileWriter(url: url)
    }

    /// The label of an instance, counted as `other` when it has none.
    func label(_ inst: TextInstance) -> String {
        if let l = inst.attributes["kie_label"]?.string { return l }
        if case let .int(c)? = inst.attributes["kie_class"] {
            if let name = classNames[c] { return name }
            losses.note("close-set classes without a name in the class list (written as their number)")
            return String(c)
        }
        losses.note("instances without a KIE label (written as other)")
        return "other"
    }

    public func add(_ record: AnnotationRecord) throws {
        try PaddleLine.checkPath(record)
        var items: [JSONValue] = []
        for (k, inst) in record.instances.enumerated() {
            var p = inst.polygon
            if p.count != 8 {
                guard let rect = MinAreaRect.corners(p) else { losses.note("degenerate polygons left out"); continue }
                losses.note("polygons of other than 4 points written as their minimum-area rectangle")
                p = rect
            }
            let points: JSONValue = .array(stride(from: 0, to: 8, by: 2).map { .array([Self.number(p[$0]), Self.number(p[$0 + 1])]) })
            let id: JSONValue = inst.attributes["kie_id"] ?? .int(k)
            items.append(.object([
                ("transcription", .string(inst.text ?? "")),
                ("label", .string(label(inst))),
                ("points", points),
                ("id", id),
                ("linking", inst.attributes["kie_linking"] ?? .array([])),
            ]))
        }
        try out.append { buf in
            buf.append(contentsOf: Array(record.imagePath.utf8)); buf.append(0x09)
            json.write(.array(items), to: &buf)
            buf.append(0x0A)
        }
    }

    /// Integers where the coordinate is whole (as the converted XFUND files write them).
    static func number(_ v: Double) -> JSONValue { v.rounded() == v && abs(v) < 9e15 ? .int(Int(v)) : .double(v) }

    public func finish() throws { try out.close() }

    /// The class list PaddleOCR's SER config names (`class_path`): one class per line, `OTHER`
    /// first (PaddleOCR maps other/others/ignore to the O tag itself), then the others in order.
    public static func classList(_ names: [String]) -> String {
        var seen = Set<String>(), out = ["OTHER"]
        for n in names where !["other", "others", "ignore"].contains(n.lowercased()) && seen.insert(n.uppercased()).inserted {
            out.append(n.uppercased())
        }
        return out.joined(separator: "\n") + "\n"
    }
}

/// Reads PaddleOCR KIE label lines back: instances with `kie_label`, `kie_id`, `kie_linking`.
enum PaddleKIEReader {
    static func open(_ url: URL) throws -> AnnotationReader {
        try LineFileReader(url: url, format: .paddleKIE, kind: .detection) { line, loc in
            let (path, rest) = try PaddleLine.split(line, loc)
            let items: [JSONValue]
            do { items = try JSONReader.parse(rest).array ?? [] } catch let f as JSONReader.Failure {
                throw loc.error("the label after the tab is not a JSON list: \(f.message)")
            }
            let instances = try items.enumerated().map { j, item -> TextInstance in
                guard let pts = item["points"]?.array, pts.count >= 3 else { throw loc.error("item \(j) has no points") }
                let flat = try pts.flatMap { p -> [Double] in
                    guard let xy = p.array?.compactMap(\.number), xy.count == 2 else { throw loc.error("item \(j): points must be [x, y] pairs") }
                    return xy
                }
                guard let label = item["label"]?.string else { throw loc.error("item \(j) has no label string") }
                return TextInstance(polygon: flat, text: item["transcription"]?.string, attributes: [
                    "kie_label": .string(label), "kie_id": item["id"] ?? .int(j), "kie_linking": item["linking"] ?? .array([]),
                ])
            }
            return AnnotationRecord(imagePath: path, instances: instances, location: loc)
        }
    }
}
