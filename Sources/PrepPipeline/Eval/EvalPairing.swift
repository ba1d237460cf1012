import Foundation

/// Ground-truth and prediction images paired by file name, whatever folder prefix either side
/// writes: the same path first, else the same trailing path components (`crops/img_1/c_0.jpg`
/// and `img_1/c_0.jpg`), else the same file name without extension (`EvalImage.key`) when only
/// one image has it. Images on one side only are kept (as no predictions / no ground truth) and
/// listed; a name that appears twice on one side keeps its first entry and lists the second.
/// Predictions that name no image (an inferencer list without `img_path`) pair by position.
///
/// A pair holds positions into the two sources' images, not copies of them: a million words
/// pair without a million array copies.
public struct EvalPairing: Sendable {
    public struct Pair: Sendable {
        /// Position in the ground truth's images, -1 for a prediction-only image.
        public var gt: Int
        /// Position in the predictions' images, -1 for an image without predictions.
        public var pred: Int
        public var hasGT: Bool { gt >= 0 }
        public var hasPred: Bool { pred >= 0 }
    }

    /// GT images in file order (each with its predictions), then prediction-only images.
    public var pairs: [Pair] = []
    public var onlyInGT: [String] = []
    public var onlyInPred: [String] = []
    public var problems: [String] = []
    public let gtImages: [EvalImage]
    public let predImages: [EvalImage]

    /// The image's name as the ground truth writes it (as the predictions do for a
    /// prediction-only image).
    public func name(_ p: Pair) -> String { p.hasGT ? gtImages[p.gt].name : predImages[p.pred].name }
    public func gt(_ p: Pair) -> [EvalInstance] { p.hasGT ? gtImages[p.gt].instances : [] }
    public func pred(_ p: Pair) -> [EvalInstance] { p.hasPred ? predImages[p.pred].instances : [] }

    public init(gt: EvalSource, pred: EvalSource) {
        gtImages = gt.images
        predImages = pred.images
        let gtImages = gt.images, predImages = pred.images
        let positional = !predImages.isEmpty && predImages.allSatisfy { $0.key.hasPrefix("#") }
        var seen = EvalNameTable(capacity: predImages.count)
        var keep: [Int] = []
        var first = [Bool](repeating: false, count: predImages.count)
        var names: [String] = []
        names.reserveCapacity(predImages.count)
        for i in predImages.indices {
            let full = positional ? (i < gtImages.count ? gtImages[i].name : predImages[i].name) : predImages[i].name
            let norm = Self.normalized(full)
            names.append(norm)
            if let earlier = seen.insert(norm, hash: EvalNameTable.hash(norm), position: i) {
                problems.append("\(predImages[i].location): image \(predImages[i].name) again (first at \(predImages[earlier].location)); the later entry is skipped")
                continue
            }
            keep.append(i)
            first[i] = true
        }
        // Built only if some GT name is not found as written: every trailing run of path
        // components of every prediction name, and its stem key, pointing at the prediction
        // (-1 where two predictions share it).
        var bySuffix: [String: Int]? = nil
        func suffixIndex() -> [String: Int] {
            if let bySuffix { return bySuffix }
            var index: [String: Int] = [:]
            for i in keep {
                let key = positional ? EvalImage.key(for: names[i]) : predImages[i].key
                for suffix in Self.suffixes(names[i]) + ["key:" + key] {
                    if let other = index[suffix], other != i { index[suffix] = -1 } else { index[suffix] = i }
                }
            }
            bySuffix = index
            return index
        }
        func match(_ g: Int, _ norm: String, _ hash: Int) -> Int? {
            if let i = seen.position(of: norm, hash: hash) { return i }
            let index = suffixIndex()
            for suffix in Self.suffixes(norm) { if let i = index[suffix] { return i >= 0 ? i : nil } }
            if let i = index["key:" + gtImages[g].key], i >= 0 { return i }
            return nil
        }
        var taken = [Bool](repeating: false, count: predImages.count)
        // GT names seen (for repeats), built only once the two sides stop naming the same images
        // in the same order: while they do, the GT names so far are exactly the (first-seen)
        // prediction names so far, so a name that is new among the predictions is new here too.
        var used: EvalNameTable? = nil
        pairs.reserveCapacity(gtImages.count)
        for g in gtImages.indices {
            let norm = Self.normalized(gtImages[g].name)
            if used == nil {
                if g < names.count, first[g], names[g] == norm {
                    taken[g] = true
                    pairs.append(Pair(gt: g, pred: g))
                    continue
                }
                var table = EvalNameTable(capacity: gtImages.count)
                for k in 0..<g {
                    let n = Self.normalized(gtImages[k].name)
                    table.insert(n, hash: EvalNameTable.hash(n), position: k)
                }
                used = table
            }
            let hash = EvalNameTable.hash(norm)
            if used!.insert(norm, hash: hash, position: g) != nil {
                problems.append("\(gtImages[g].location): image \(gtImages[g].name) again in the ground truth; the later entry is skipped")
                continue
            }
            if let p = match(g, norm, hash), !taken[p] {
                taken[p] = true
                pairs.append(Pair(gt: g, pred: p))
            } else {
                pairs.append(Pair(gt: g, pred: -1))
                onlyInGT.append(gtImages[g].name)
            }
        }
        for i in keep where !taken[i] {
            pairs.append(Pair(gt: -1, pred: i))
            onlyInPred.append(predImages[i].name)
        }
    }

    static func normalized(_ name: String) -> String {
        guard name.utf8.contains(UInt8(ascii: "\\")) || name.utf8.first == UInt8(ascii: ".") else { return name }
        var s = String(name.map { $0 == "\\" ? "/" : $0 })
        while s.hasPrefix("./") { s.removeFirst(2) }
        return s
    }

    /// `a/b/c.jpg` → [`b/c.jpg`, `c.jpg`] (the whole path is looked up first).
    static func suffixes(_ path: String) -> [String] {
        let parts = path.split(separator: "/")
        guard parts.count > 1 else { return parts.isEmpty ? [] : [String(parts[0])] }
        return (1..<parts.count).map { parts[$0...].joined(separator: "/") }
    }
}
