/// MMOCR's `compute_hmean` (0.6.3 `core/evaluation/utils.py` = 1.x `evaluation/functional/hmean.py`).
public enum HmeanFormula {
    /// Recall, precision and hmean from hit sums and care counts, with the reference's edge
    /// cases: no GT gives recall 1 (precision 1 only if there are no predictions either).
    public static func compute(hitRecall: Double, hitPrecision: Double, gtCount: Int, predCount: Int)
        -> (recall: Double, precision: Double, hmean: Double) {
        let recall: Double, precision: Double
        if gtCount == 0 {
            recall = 1.0
            precision = predCount > 0 ? 0.0 : 1.0
        } else {
            recall = hitRecall / Double(gtCount)
            precision = predCount == 0 ? 0.0 : hitPrecision / Double(predCount)
        }
        let denom = recall + precision
        return (recall, precision, denom == 0 ? 0.0 : 2.0 * precision * recall / denom)
    }
}
