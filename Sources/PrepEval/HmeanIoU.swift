import Dispatch

/// hmean-iou, as MMOCR 0.6.3 `eval_hmean(metrics={'hmean-iou'})` or 1.x `HmeanIOUMetric`
/// computes it (../shared/reference/lean-core.md §2.2, §2.4):
///
/// | | 0.6.3 | 1.x |
/// |---|---|---|
/// | coordinates, scores | float64 | rounded to float32 (`np.array(…, dtype=np.float32)`) |
/// | minimum points | 4 | 3 |
/// | score pre-filter | score > min threshold | score ≥ min threshold (float32) |
/// | ignored prediction | inter/area > 0.5 (area 0 → 0) | inter/(area + 1e-5) > 0.5 |
/// | repair | buffer(0) | buffer(0), convex hull if still several pieces |
/// | matching | greedy, GT then prediction order, IoU > 0.5 | same (`vanilla`), or maximum cardinality (`max_matching`) |
///
/// Counts are micro over the dataset; each threshold keeps predictions with score ≥ it.
public struct HmeanIoU: Sendable {
    public enum Strategy: String, Sendable, CaseIterable {
        case vanilla
        case maxMatching = "max_matching"
    }

    public var evalProtocol: EvalProtocol
    public var strategy: Strategy
    public var matchIoUThreshold: Double
    public var ignorePrecisionThreshold: Double
    public var thresholds: [Double]

    public init(protocol evalProtocol: EvalProtocol = .mmocr1, strategy: Strategy = .vanilla,
                matchIoUThreshold: Double = 0.5, ignorePrecisionThreshold: Double = 0.5, thresholds: [Double]? = nil) {
        self.evalProtocol = evalProtocol
        self.strategy = strategy
        self.matchIoUThreshold = matchIoUThreshold
        self.ignorePrecisionThreshold = ignorePrecisionThreshold
        self.thresholds = thresholds ?? (evalProtocol == .mmocr1 ? ScoreThresholds.mmocr1Default : ScoreThresholds.mmocr0Default)
    }

    /// One image after the threshold-independent work: the IoU candidates and the scores.
    struct PreparedImage {
        var gtCare: Int
        /// Kept, non-ignored predictions' scores (in prediction order).
        var scores: [Double]
        /// Original index of each kept prediction.
        var predIndex: [Int]
        /// Original index of each cared GT.
        var gtIndex: [Int]
        /// Per cared GT (in order): kept-prediction positions with IoU > threshold, ascending.
        var candidates: [[Int]]
        var repaired: Int
        var tooFew: Int
    }

    /// Prepares one image: repairs polygons, drops low scores and predictions on ignored GT,
    /// and lists the (GT, prediction) pairs whose IoU passes.
    func prepare(_ s: DetectionSample) -> PreparedImage {
        let v1 = evalProtocol == .mmocr1
        let repair: EvalPolygon.Repair = v1 ? .buffer0ConvexHull : .buffer0
        let minValues = v1 ? 6 : 8
        var repaired = 0, tooFew = 0
        func polygon(_ flat: [Double]) -> EvalPolygon {
            if flat.count < minValues { tooFew += 1; return EvalPolygon(flat: [], repair: repair) }
            let p = EvalPolygon(flat: v1 ? flat.map { Double(Float($0)) } : flat, repair: repair)
            if p.wasRepaired { repaired += 1 }
            return p
        }
        let gts = s.gtPolygons.map(polygon)
        let minThr = thresholds.min() ?? 0
        var keptPolys: [EvalPolygon] = [], keptScores: [Double] = [], keptIndex: [Int] = []
        for (j, flat) in s.predPolygons.enumerated() {
            let score = s.predScores[j]
            let keep = v1 ? Float(score) >= Float(minThr) : score > minThr
            guard keep else { continue }
            let p = polygon(flat)
            var ignored = false
            for (g, gt) in gts.enumerated() where s.gtIgnored[g] {
                let inter = p.intersectionArea(gt)
                let precision = v1 ? inter / (p.rawArea + 1e-5) : (p.rawArea == 0 ? 0 : inter / p.rawArea)
                if precision > ignorePrecisionThreshold { ignored = true; break }
            }
            if ignored { continue }
            keptPolys.append(p); keptScores.append(v1 ? Double(Float(score)) : score); keptIndex.append(j)
        }
        var candidates: [[Int]] = []
        var gtIndex: [Int] = []
        for (g, gt) in gts.enumerated() where !s.gtIgnored[g] {
            var row: [Int] = []
            for (k, p) in keptPolys.enumerated() where gt.iou(p) > matchIoUThreshold { row.append(k) }
            candidates.append(row)
            gtIndex.append(g)
        }
        return PreparedImage(gtCare: gtIndex.count, scores: keptScores, predIndex: keptIndex, gtIndex: gtIndex,
                             candidates: candidates, repaired: repaired, tooFew: tooFew)
    }

    /// Whether a prediction with this score takes part at threshold `thr`.
    func passes(_ score: Double, _ thr: Double) -> Bool {
        evalProtocol == .mmocr1 ? Float(score) >= Float(thr) : score >= thr
    }

    /// Hits at one threshold for one prepared image. With `textMatch` (spotting), a greedy IoU
    /// pair still takes both sides but only counts when the texts match, as 1.x
    /// `E2EHmeanIOUMetric` does; `max_matching` only matches pairs whose texts match.
    func hits(_ img: PreparedImage, threshold thr: Double, textMatch: ((Int, Int) -> Bool)? = nil) -> Int {
        let active = img.scores.map { passes($0, thr) }
        switch strategy {
        case .vanilla:
            var taken = [Bool](repeating: false, count: img.scores.count)
            var n = 0
            for (g, row) in img.candidates.enumerated() {
                for k in row where active[k] && !taken[k] {
                    taken[k] = true
                    if textMatch?(img.gtIndex[g], img.predIndex[k]) ?? true { n += 1 }
                    break
                }
            }
            return n
        case .maxMatching:
            let adj = img.candidates.enumerated().map { g, row in
                row.filter { active[$0] && (textMatch?(img.gtIndex[g], img.predIndex[$0]) ?? true) }
            }
            return BipartiteMatching.maximumCardinality(rows: adj.count, columns: img.scores.count, adjacency: adj)
        }
    }

    public func evaluate(_ samples: [DetectionSample]) -> DetectionResult {
        evaluate(prepareAll(samples), textMatch: nil)
    }

    /// `prepare` over all images, on all cores (each image is independent; order is kept).
    func prepareAll(_ samples: [DetectionSample]) -> [PreparedImage] {
        var out = [PreparedImage?](repeating: nil, count: samples.count)
        let chunk = 16
        let chunks = (samples.count + chunk - 1) / chunk
        out.withUnsafeMutableBufferPointer { buf in
            let base = buf
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                for i in (c * chunk)..<min(samples.count, (c + 1) * chunk) { base[i] = prepare(samples[i]) }
            }
        }
        return out.map { $0! }
    }

    /// `textMatch(image, gtIndex, predIndex)` turns the metric into spotting (see `hits`).
    func evaluate<S: Sequence>(_ prepared: S, textMatch: ((Int, Int, Int) -> Bool)?) -> DetectionResult where S.Element == PreparedImage {
        var hitsR: [[Double]] = [], gt: [Int] = [], preds: [[Int]] = []
        var repaired = 0, tooFew = 0
        for (i, img) in prepared.enumerated() {
            var h: [Double] = [], p: [Int] = []
            for thr in thresholds {
                let m: ((Int, Int) -> Bool)? = textMatch.map { f in { f(i, $0, $1) } }
                h.append(Double(hits(img, threshold: thr, textMatch: m)))
                p.append(img.scores.reduce(0) { $0 + (passes($1, thr) ? 1 : 0) })
            }
            hitsR.append(h); gt.append(img.gtCare); preds.append(p)
            repaired += img.repaired; tooFew += img.tooFew
        }
        return DetectionResult.make(thresholds: thresholds, hitsR: hitsR, hitsP: hitsR, gt: gt, preds: preds,
                                    repaired: repaired, tooFew: tooFew)
    }
}
