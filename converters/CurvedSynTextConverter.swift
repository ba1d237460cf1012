import Foundation
import PrepCore

/// CurvedSynText150k (AdelaiDet's synthetic curved text): COCO-style files whose annotations
/// carry `bezier_pts` (two cubic Bézier curves, 16 numbers) and `rec` (character indices into a
/// 95-character dictionary, 96 = end). Rewritten record by record as MMOCR 0.6.3's
/// `common/curvedsyntext_converter.py` (§4.2): `rec` becomes `text`, the curves become a polygon
/// of `2·numSample` points (`segmentation`), image and annotation ids are shifted by the part's
/// offsets, image names get the part's folder prefix; every other key is kept in place.
///
/// One deliberate difference: an unknown character (index 95) becomes `口` and the run goes on
/// (the reference appends `口` and then crashes with an IndexError); each is reported.
///
/// Options: `num_sample` (points per curve, default 4), `parts` (annotation file and image
/// folder per part, `train1.json=syntext_word_eng, train2.json=emcs_imgs`).
public struct CurvedSynTextConverter: COCORecordConverter {
    /// The reference's dictionary: ASCII space … `~`.
    static let dictionary: [Character] = (0x20...0x7E).map { Character(Unicode.Scalar(UInt8($0))) }
    static let unknown = 95, end = 96

    public let numSample: Int
    public let parts: [(file: String, prefix: String)]

    public init(options: ConverterOptions) throws {
        guard let n = Int(options.string("num_sample", default: "4")), n > 0 else {
            throw PrepError.usage("curvedsyntext: --num-sample must be a whole number above 0 (got '\(options.string("num_sample", default: ""))')")
        }
        numSample = n
        parts = try options.list("parts", default: ["train1.json=syntext_word_eng", "train2.json=emcs_imgs"]).map { p in
            let kv = p.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw PrepError.failed("curvedsyntext: a part is 'FILE=PREFIX' (got '\(p)')") }
            return (kv[0], kv[1])
        }
    }

    /// An annotation the converter cannot read (the reference crashes on each of these).
    public struct EntryError: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// `rec` as text: indices into the dictionary up to the first 96; 95 (unknown) gives `口`.
    /// Returns the text and how many unknown characters it holds.
    public static func text(_ rec: [JSONValue]) throws -> (text: String, unknown: Int) {
        var out = ""
        var unknownCount = 0
        for v in rec {
            guard case let .int(d) = v, d >= 0, d <= end else {
                throw EntryError(reason: "'rec' holds \(PyJSON().string(v)) (expected a whole number 0–96)")
            }
            if d == end { break }
            if d == unknown { out.append("口"); unknownCount += 1; continue }
            out.append(dictionary[d])
        }
        return (out, unknownCount)
    }

    /// `bezier_to_polygon`: the two cubic curves sampled at `linspace(0, 1, n)`, curve-1 points
    /// then curve-2 points, with numpy's evaluation order so the floats are the reference's.
    public static func polygon(bezier b: [Double], samples n: Int) -> [(x: Double, y: Double)] {
        precondition(b.count == 16)
        // numpy.linspace: i · (1 / (n − 1)), the last one exactly 1.
        let step = n > 1 ? 1.0 / Double(n - 1) : 0
        let us = (0..<n).map { i in i == n - 1 && n > 1 ? 1.0 : Double(i) * step }
        func point(_ curve: Int, _ u: Double) -> (x: Double, y: Double) {
            let v = 1 - u
            // (1−u)³, 3u(1−u)², 3u²(1−u), u³: `**3` is pow, `**2` a product, as numpy computes them.
            let w0 = Foundation.pow(v, 3), w1 = 3 * u * (v * v), w2 = 3 * (u * u) * v, w3 = Foundation.pow(u, 3)
            func coord(_ c: Int) -> Double {
                let p = (0..<4).map { b[curve * 8 + $0 * 2 + c] }
                return w0 * p[0] + w1 * p[1] + w2 * p[2] + w3 * p[3]
            }
            return (coord(0), coord(1))
        }
        return us.map { point(0, $0) } + us.map { point(1, $0) }
    }

    /// `sort_points`: by `(180 + degrees(atan2(dx, dy))) % 360` around the mean point (x first,
    /// as the reference), stable for equal angles.
    public static func sortPoints(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        var sx = points[0].x, sy = points[0].y
        for p in points.dropFirst() { sx += p.x; sy += p.y }
        let cx = sx / Double(points.count), cy = sy / Double(points.count)
        let radToDeg = 180.0 / Double.pi
        let keys = points.map { p -> Double in
            let k = 180 + atan2(p.x - cx, p.y - cy) * radToDeg
            let m = fmod(k, 360)   // Python's float %: the result takes the divisor's sign
            return m < 0 ? m + 360 : m + 0
        }
        return points.indices.sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }.map { points[$0] }
    }

    public func image(_ image: JSONValue, part: Int, imageOffset: Int) throws -> JSONValue {
        guard case var .object(pairs) = image else { throw EntryError(reason: "not an object") }
        guard case let .string(name)? = image["file_name"] else { throw EntryError(reason: "no 'file_name' string") }
        guard case let .int(id)? = image["id"] else { throw EntryError(reason: "no whole-number 'id'") }
        // os.path.join: an absolute name stays as it is.
        Self.set(&pairs, "file_name", .string(name.hasPrefix("/") ? name : parts[part].prefix + "/" + name))
        Self.set(&pairs, "id", .int(id + imageOffset))
        return .object(pairs)
    }

    public func annotation(_ ann: JSONValue, imageOffset: Int, annotationOffset: Int) throws -> (value: JSONValue, unknown: Int) {
        guard case var .object(pairs) = ann else { throw EntryError(reason: "not an object") }
        guard let rec = ann["rec"]?.array else { throw EntryError(reason: "no 'rec' list") }
        guard case let .int(imageID)? = ann["image_id"] else { throw EntryError(reason: "no whole-number 'image_id'") }
        guard case let .int(id)? = ann["id"] else { throw EntryError(reason: "no whole-number 'id'") }
        var flat: [Double] = []
        func flatten(_ v: JSONValue) throws {
            if let a = v.array { for e in a { try flatten(e) } } else if let d = v.number, d.isFinite { flat.append(d) } else {
                throw EntryError(reason: "'bezier_pts' holds a non-number")
            }
        }
        guard let bezier = ann["bezier_pts"] else { throw EntryError(reason: "no 'bezier_pts'") }
        try flatten(bezier)
        guard flat.count == 16 else { throw EntryError(reason: "'bezier_pts' has \(flat.count) numbers (needs 8 points, 16 numbers)") }
        let (text, unknown) = try Self.text(rec)
        let points = Self.sortPoints(Self.polygon(bezier: flat, samples: numSample))
        pairs.removeAll { $0.0 == "rec" }
        Self.set(&pairs, "text", .string(text))
        Self.set(&pairs, "segmentation", .array([.array(points.flatMap { [JSONValue.double($0.x), .double($0.y)] })]))
        Self.set(&pairs, "image_id", .int(imageID + imageOffset))
        Self.set(&pairs, "id", .int(id + annotationOffset))
        return (.object(pairs), unknown)
    }

    /// A Python dict assignment: replace in place, or append.
    static func set(_ pairs: inout [(String, JSONValue)], _ key: String, _ value: JSONValue) {
        if let i = pairs.firstIndex(where: { $0.0 == key }) { pairs[i].1 = value } else { pairs.append((key, value)) }
    }
}
