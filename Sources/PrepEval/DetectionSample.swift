/// Which MMOCR release's metric code to reproduce.
public enum EvalProtocol: String, Sendable, CaseIterable {
    /// MMOCR 1.x (`HmeanIOUMetric`, `WordMetric`/`CharMetric`/`OneMinusNEDMetric`, `F1Metric`).
    case mmocr1
    /// MMOCR 0.6.3 (`eval_hmean`, `eval_ocr_metric`, `compute_f1_score`).
    case mmocr0
}

/// One image's ground truth and predictions for detection / spotting metrics.
/// Polygons are flat `[x1, y1, x2, y2, …]` in pixels.
public struct DetectionSample: Sendable {
    public var gtPolygons: [[Double]]
    /// `###` / iscrowd / `ignore` regions: they neither count nor let predictions on them count.
    public var gtIgnored: [Bool]
    public var predPolygons: [[Double]]
    public var predScores: [Double]
    /// Transcriptions, for spotting only (same order as the polygons).
    public var gtTexts: [String]
    public var predTexts: [String]

    public init(gtPolygons: [[Double]], gtIgnored: [Bool], predPolygons: [[Double]], predScores: [Double],
                gtTexts: [String] = [], predTexts: [String] = []) {
        self.gtPolygons = gtPolygons
        self.gtIgnored = gtIgnored
        self.predPolygons = predPolygons
        self.predScores = predScores
        self.gtTexts = gtTexts
        self.predTexts = predTexts
    }
}

/// Precision/recall/hmean of a detection-style metric at each score threshold, the best one
/// (largest hmean, lowest threshold on ties, as the references pick it) and per-image numbers at
/// that best threshold.
public struct DetectionResult: Sendable {
    public struct Row: Sendable {
        public var threshold: Double
        public var hitRecall: Double
        public var hitPrecision: Double
        public var gtCount: Int
        public var predCount: Int
        public var recall: Double
        public var precision: Double
        public var hmean: Double
    }
    public var rows: [Row]
    public var bestIndex: Int
    /// Per image, at the best threshold (`threshold` is that threshold).
    public var perImage: [Row]
    /// Polygons that were not valid and were repaired (buffer(0), 1.x convex hull).
    public var repairedPolygons: Int
    /// Polygons with fewer points than the protocol accepts: they count, but cannot match.
    public var tooFewPoints: Int

    public var best: Row { rows[bestIndex] }

    static func make(thresholds: [Double], hitsR: [[Double]], hitsP: [[Double]], gt: [Int], preds: [[Int]],
                     repaired: Int, tooFew: Int) -> DetectionResult {
        var rows: [Row] = []
        var best = 0, bestH = -1.0
        for (t, thr) in thresholds.enumerated() {
            var hr = 0.0, hp = 0.0, g = 0, p = 0
            for i in gt.indices { hr += hitsR[i][t]; hp += hitsP[i][t]; g += gt[i]; p += preds[i][t] }
            let s = HmeanFormula.compute(hitRecall: hr, hitPrecision: hp, gtCount: g, predCount: p)
            rows.append(Row(threshold: thr, hitRecall: hr, hitPrecision: hp, gtCount: g, predCount: p,
                            recall: s.recall, precision: s.precision, hmean: s.hmean))
            if s.hmean > bestH { bestH = s.hmean; best = t }
        }
        var perImage: [Row] = []
        if !thresholds.isEmpty {
            for i in gt.indices {
                let s = HmeanFormula.compute(hitRecall: hitsR[i][best], hitPrecision: hitsP[i][best],
                                             gtCount: gt[i], predCount: preds[i][best])
                perImage.append(Row(threshold: thresholds[best], hitRecall: hitsR[i][best], hitPrecision: hitsP[i][best],
                                    gtCount: gt[i], predCount: preds[i][best], recall: s.recall, precision: s.precision, hmean: s.hmean))
            }
        }
        return DetectionResult(rows: rows, bestIndex: best, perImage: perImage, repairedPolygons: repaired, tooFewPoints: tooFew)
    }
}
