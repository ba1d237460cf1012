import Foundation
import PrepCore

/// IMGUR5K annotations (`{"index_to_ann_map": {image: [ann ids]}, "ann_id": {id: {"word",
/// "bounding_box": "[xc, yc, w, h, angle]"}}}`), read as MMOCR 0.6.3's `imgur_converter.py`
/// (§2.6): each oriented box becomes the quadrilateral the reference computes (rotated by
/// −angle degrees about its centre, float32, started at the corner sequence closest to the
/// axis-aligned box's corners), bbox = [max(0, ⌊min x⌋), max(0, ⌊min y⌋), ⌊max x⌋ − x,
/// ⌊max y⌋ − y], area w·h, iscrowd 0. Images `<name>.jpg` in the file's order.
///
/// Unlike the reference, the angle is read whole: its `[1:-2]` slice drops the angle's last
/// character (`5.27` becomes `5.2`).
public struct IMGURJSONConverter: WholeFileConverter {
    public init(options: ConverterOptions) throws {}

    public func read(file: URL, split: String, skip: (String, String) -> Void) throws -> [AnnotatedImage] {
        let source = try IndexedJSONFile(file)
        guard let mapRange = source.top["index_to_ann_map"], let annRange = source.top["ann_id"] else {
            throw PrepError.input(file: file.path, line: nil, reason: "expected a JSON object with 'index_to_ann_map' and 'ann_id'")
        }
        let anns = try source.index(annRange, "ann_id")
        let fileName = file.lastPathComponent
        var images: [AnnotatedImage] = []
        for (name, range) in try source.members(mapRange, "index_to_ann_map") {
            let location = "\(fileName): index_to_ann_map[\(name)]"
            let load: @Sendable () throws -> [TextInstance] = {
                guard let ids = try source.value(range).array else {
                    throw PrepError.input(file: location, line: nil, reason: "not a list of annotation ids")
                }
                return try ids.map { id in
                    guard case let .string(key) = id, let r = anns[key] else {
                        throw PrepError.input(file: location, line: nil, reason: "annotation \(PyJSON().string(id)) is not in 'ann_id'")
                    }
                    let ann = try source.value(r)
                    guard case let .string(box)? = ann["bounding_box"], let values = Self.numbers(box), values.count >= 5 else {
                        throw PrepError.input(file: location, line: nil, reason: "ann_id[\(key)]: 'bounding_box' is not \"[xc, yc, w, h, angle]\"")
                    }
                    do { return try Self.instance(values, text: ann["word"]?.string) } catch let e as CheckedInt.OutOfRange {
                        throw PrepError.input(file: location, line: nil, reason: "ann_id[\(key)]: \(e)")
                    }
                }
            }
            images.append(AnnotatedImage(name: name + ".jpg", instances: [], location: location, lazyInstances: load))
        }
        return images
    }

    /// The numbers of `"[a, b, …]"`.
    static func numbers(_ s: String) -> [Double]? {
        let t = TextTrim.strip(s)
        guard t.first == "[", t.last == "]" else { return nil }
        let parts = t.dropFirst().dropLast().split(separator: ",").map { Double(TextTrim.strip($0)) }
        guard parts.allSatisfy({ $0 != nil && $0!.isFinite }) else { return nil }
        return parts.map { $0! }
    }

    /// The reference's `convert_oriented_box` + `get_best_begin_point_single`.
    static func instance(_ box: [Double], text: String?) throws -> TextInstance {
        let (xc, yc, w, h) = (box[0], box[1], box[2], box[3])
        let angle = -box[4] * Double.pi / 180
        let rx = [-w / 2, w / 2, w / 2, -w / 2], ry = [-h / 2, -h / 2, h / 2, h / 2]
        let c = cos(angle), s = sin(angle)
        var pts: [(Double, Double)] = (0..<4).map { k in
            (Double(Float(c * rx[k] + (-s) * ry[k] + xc)), Double(Float(s * rx[k] + c * ry[k] + yc)))
        }
        let xmin = pts.map(\.0).min()!, xmax = pts.map(\.0).max()!, ymin = pts.map(\.1).min()!, ymax = pts.map(\.1).max()!
        let target = [(xmin, ymin), (xmax, ymin), (xmax, ymax), (xmin, ymax)]
        var best = 0, force = 1e8
        for start in 0..<4 {
            var f = 0.0
            for k in 0..<4 {
                let p = pts[(start + k) % 4]
                f += ((p.0 - target[k].0) * (p.0 - target[k].0) + (p.1 - target[k].1) * (p.1 - target[k].1)).squareRoot()
            }
            if f < force { force = f; best = start }
        }
        pts = (0..<4).map { pts[(best + $0) % 4] }
        let polygon = pts.flatMap { [$0.0, $0.1] }
        let x = max(0, try CheckedInt.make(xmin, .down, path: "bounding_box x")), y = max(0, try CheckedInt.make(ymin, .down, path: "bounding_box y"))
        let bw = try CheckedInt.make(xmax, .down, path: "bounding_box x + w") - x, bh = try CheckedInt.make(ymax, .down, path: "bounding_box y + h") - y
        return TextInstance(polygon: polygon, integerCoordinates: false, text: text, ignore: false,
                            attributes: ["bbox": .array([.int(x), .int(y), .int(bw), .int(bh)]), "area": .int(bw * bh)])
    }
}
