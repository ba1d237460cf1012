import Foundation

/// Ground-truth and prediction images paired by file name, whatever folder prefix either side
/// writes: the same path first, else the same trailing path components (`crops/img_1/c_0.jpg`
/// and `img_1/c_0.jpg`), else the same file name without extension (`EvalImage.key`) when only
/// one image has it. Images on one side only are kept (as no predictions / no ground truth) and
/// listed; a name that appears twice on one side keeps its first entry and lists the second.
/// Predictions that name no image (an inferencer list without `img_path`) pair by position.
public struct EvalPairing: Sendable {
    public struct Pair: Sendable {
        public var name: String
        public var gt: [EvalInstance]
        public var pred: [EvalInstance]
        public var hasGT: Bool
        public var hasPred: Bool
    }

    /// GT images in file order (each with its predictions), then prediction-only images.
    public var pairs: [Pair] = []
    public var onlyInGT: [String] = []
    public var onlyInPred: [String] = []
    public var problems: [String] = []

    public init(gt: EvalSource, pred: EvalSource) {
        let positional = !pred.images.isEmpty && pred.images.allSatisfy { $0.key.hasPrefix("#") }
        var seen: [String: Int] = [:]
        seen.reserveCapacity(pred.images.count)
        var keep: [Int] = []
        var names: [String] = []
        for (i, img) in pred.images.enumerated() {
            let full = positional ? (i < gt.images.count ? gt.images[i].name : img.name) : img.name
            let norm = Self.normalized(full)
            names.append(norm)
            if let first = seen[norm] {
                problems.append("\(img.location): image \(img.name) again (first at \(pred.images[first].location)); the later entry is skipped")
                continue
            }
            seen[norm] = i
            keep.append(i)
        }
        // Built only if some GT name is not found as written: every trailing run of path
        // components of every prediction name, and its stem key, pointing at the prediction
        // (-1 where two predictions share it).
        var bySuffix: [String: Int]? = nil
        func suffixIndex() -> [String: Int] {
            if let bySuffix { return bySuffix }
            var index: [String: Int] = [:]
            for i in keep {
                let key = positional ? EvalImage.key(for: names[i]) : pred.images[i].key
                for suffix in Self.suffixes(names[i]) + ["key:" + key] {
                    if let other = index[suffix], other != i { index[suffix] = -1 } else { index[suffix] = i }
                }
            }
            bySuffix = index
            return index
        }
        func match(_ g: EvalImage, _ norm: String) -> Int? {
            if let i = seen[norm] { return i }
            let index = suffixIndex()
            for suffix in Self.suffixes(norm) { if let i = index[suffix] { return i >= 0 ? i : nil } }
            if let i = index["key:" + g.key], i >= 0 { return i }
            return nil
        }
        var taken = [Bool](repeating: false, count: pred.images.count)
        var used = Set<String>(minimumCapacity: gt.images.count)
        for img in gt.images {
            let norm = Self.normalized(img.name)
            if !used.insert(norm).inserted {
                problems.append("\(img.location): image \(img.name) again in the ground truth; the later entry is skipped")
                continue
            }
            if let p = match(img, norm), !taken[p] {
                taken[p] = true
                pairs.append(Pair(name: img.name, gt: img.instances, pred: pred.images[p].instances, hasGT: true, hasPred: true))
            } else {
                pairs.append(Pair(name: img.name, gt: img.instances, pred: [], hasGT: true, hasPred: false))
                onlyInGT.append(img.name)
            }
        }
        for i in keep where !taken[i] {
            let img = pred.images[i]
            pairs.append(Pair(name: img.name, gt: [], pred: img.instances, hasGT: false, hasPred: true))
            onlyInPred.append(img.name)
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
