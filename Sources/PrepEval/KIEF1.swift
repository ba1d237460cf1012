/// KIE node-classification F1 (../shared/reference/lean-core.md §3), in float32 as the references
/// compute it (torch / numpy float32), including their summation orders, so the numbers match to
/// the last bit.
public enum KIEF1 {
    /// MMOCR 0.6.3 `compute_f1_score` + `KIEDataset.compute_macro_f1`: confusion matrix over all
    /// samples, per-class F1, numpy float32 mean over the classes not in `ignored`.
    /// Returns the macro F1 and the per-class F1 of the kept classes. A negative prediction means
    /// "no prediction": it counts in its GT class's row (a miss) and in no column.
    public static func mmocr0(predictions: [Int], groundTruth: [Int], numClasses c: Int, ignored: Set<Int>)
        -> (macroF1: Double, perClass: [(label: Int, f1: Float)]) {
        var hist = [Float](repeating: 0, count: c * c)
        var unpredicted = [Float](repeating: 0, count: c)
        for (p, g) in zip(predictions, groundTruth) {
            if p < 0 { unpredicted[g] += 1 } else { hist[g * c + p] += 1 }
        }
        var f1s: [(Int, Float)] = []
        for k in 0..<c where !ignored.contains(k) {
            var row: Float = unpredicted[k], col: Float = 0
            for j in 0..<c { row += hist[k * c + j]; col += hist[j * c + k] }
            let diag = hist[k * c + k]
            let r = diag / max(row, 1), p = diag / max(col, 1)
            f1s.append((k, 2 * r * p / max(r + p, Float(1e-8))))
        }
        let mean = f1s.isEmpty ? Float.nan : Float32Sums.numpyPairwise(f1s.map { $0.1 }) / Float(f1s.count)
        return (Double(mean), f1s.map { (label: $0.0, f1: $0.1) })
    }

    /// MMOCR 1.x `F1Metric`: per cared label tp/fp/fn; `macro` = torch float32 mean of per-label
    /// F1, `micro` = F1 of the summed counts. `cared` = sorted(range(numClasses) − ignored).
    public static func mmocr1(predictions: [Int], groundTruth: [Int], numClasses: Int, ignored: Set<Int>)
        -> (macroF1: Double, microF1: Double, perClass: [(label: Int, f1: Float)]) {
        let cared = (0..<numClasses).filter { !ignored.contains($0) }
        var tp = [Float](repeating: 0, count: cared.count), fp = tp, fn = tp
        var slot = [Int: Int]()
        for (i, k) in cared.enumerated() { slot[k] = i }
        for (p, g) in zip(predictions, groundTruth) {
            if p == g { if let s = slot[p] { tp[s] += 1 } } else {
                if let s = slot[p] { fp[s] += 1 }
                if let s = slot[g] { fn[s] += 1 }
            }
        }
        func f1(_ tp: Float, _ fp: Float, _ fn: Float) -> Float {
            let precision = tp / max(tp + fp, Float(1e-8))
            let recall = tp / max(tp + fn, Float(1e-8))
            return 2 * precision * recall / max(precision + recall, Float(1e-8))
        }
        let per = cared.indices.map { f1(tp[$0], fp[$0], fn[$0]) }
        let macro = per.isEmpty ? Float.nan : Float32Sums.torchSum(per) / Float(per.count)
        let micro = f1(Float32Sums.torchSum(tp), Float32Sums.torchSum(fp), Float32Sums.torchSum(fn))
        return (Double(macro), Double(micro), zip(cared, per).map { (label: $0.0, f1: $0.1) })
    }
}
