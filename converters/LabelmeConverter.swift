import Foundation
import PrepCore

/// A labelme JSON file (labelme ≥ 3): `imagePath`, `imageWidth`, `imageHeight`, `shapes` with
/// `label`, `points` and `shape_type`, read as MMOCR 0.6.3's `common/labelme_converter.py` (§4.1):
/// coordinates truncated to integers (`int()`), a rectangle's two points spread to four, `###`
/// marks a do-not-care shape. Unlike the reference, a shape of another type (circle, line, point…)
/// or a polygon with fewer than 4 points or an odd count is left out alone and reported, instead
/// of discarding every shape of the image.
public struct LabelmeFile: Sendable {
    /// One text shape.
    public struct Shape: Sendable {
        /// The truncated points as given (`segmentation` of a polygon).
        public var points: [Int]
        public var isRectangle: Bool
        public var label: String
        /// The rectangle's four corners (rectangles) or the points (polygons).
        public var quad: [Int] {
            guard isRectangle else { return points }
            return [points[0], points[1], points[2], points[1], points[2], points[3], points[0], points[3]]
        }
    }

    /// The image's base name (`imagePath` may carry folders of the labelling machine).
    public var imageName: String
    public var width: JSONValue
    public var height: JSONValue
    public var shapes: [Shape]
    /// Shapes left out: (index in `shapes`, reason).
    public var skipped: [(Int, String)]

    public init(url: URL, ignore: String = "###") throws {
        let doc = try JSONFile.load(url)
        guard case .object = doc else { throw PrepError.input(file: url.path, line: nil, reason: "expected a labelme JSON object") }
        guard case let .string(path)? = doc["imagePath"] else {
            throw PrepError.input(file: url.path, line: nil, reason: "no 'imagePath' string")
        }
        guard let w = doc["imageWidth"], let h = doc["imageHeight"], w.number != nil, h.number != nil else {
            throw PrepError.input(file: url.path, line: nil, reason: "no numeric 'imageWidth' / 'imageHeight'")
        }
        guard let list = doc["shapes"]?.array else { throw PrepError.input(file: url.path, line: nil, reason: "no 'shapes' list") }
        // Windows exports write backslashes.
        imageName = PathText.lastComponent(path.replacingOccurrences(of: "\\", with: "/"))
        width = w
        height = h
        shapes = []
        skipped = []
        for (k, s) in list.enumerated() {
            let type = s["shape_type"]?.string ?? "polygon"
            guard type == "rectangle" || type == "polygon" else {
                skipped.append((k, "shape_type '\(type)' is not a rectangle or polygon")); continue
            }
            guard case let .string(label)? = s["label"] else { skipped.append((k, "no 'label' string")); continue }
            guard let pts = s["points"]?.array else { skipped.append((k, "no 'points' list")); continue }
            var flat: [Int] = []
            var bad: String?
            for (q, p) in pts.enumerated() {
                guard let xy = p.array, xy.count == 2, let x = xy[0].number, let y = xy[1].number else { bad = "a point is not [x, y]"; break }
                // int() truncates toward zero
                do { flat += [try CheckedInt.make(x, path: "points[\(q)][0]"), try CheckedInt.make(y, path: "points[\(q)][1]")] } catch {
                    bad = "\(error)"; break
                }
            }
            if let bad { skipped.append((k, bad)); continue }
            if type == "rectangle" {
                guard flat.count == 4 else { skipped.append((k, "a rectangle needs 2 points (has \(flat.count / 2))")); continue }
            } else if flat.count < 8 || flat.count % 2 != 0 {
                skipped.append((k, "a polygon needs at least 4 points (has \(flat.count / 2))")); continue
            }
            shapes.append(Shape(points: flat, isRectangle: type == "rectangle", label: label))
        }
    }

    /// The det line the reference writes: `{"file_name", "height", "width", "annotations":
    /// [{iscrowd, category_id, bbox, segmentation, text}]}` (bbox = min x, min y, w, h of the
    /// points; no area).
    public func detLine(ignore: String = "###") -> JSONValue {
        let annotations: [JSONValue] = shapes.map { s in
            let xs = stride(from: 0, to: s.points.count, by: 2).map { s.points[$0] }
            let ys = stride(from: 1, to: s.points.count, by: 2).map { s.points[$0] }
            let x = xs.min()!, y = ys.min()!
            let seg = s.isRectangle ? s.quad : s.points
            return .object([("iscrowd", .int(s.label == ignore ? 1 : 0)), ("category_id", .int(1)),
                            ("bbox", .array([.int(x), .int(y), .int(xs.max()! - x), .int(ys.max()! - y)])),
                            ("segmentation", .array([.array(seg.map { .int($0) })])), ("text", .string(s.label))])
        }
        return .object([("file_name", .string(imageName)), ("height", height), ("width", width), ("annotations", .array(annotations))])
    }
}
