/// hmean-ic13 (DetEval), MMOCR 0.6.3 only (`core/evaluation/hmean_ic13.py`;
/// ../shared/reference/lean-core.md §2.3): one-to-one, one-to-many (split) and many-to-one
/// (merge) matches on area recall/precision, swept over the same thresholds as 0.6.3 hmean-iou.
///
/// The reference asserts on polygons that are not quadrilaterals when a one-to-one candidate needs
/// its diagonal; here the diagonal is always point 0 → point 2 (README, differences).
public struct HmeanIC13: Sendable {
    public var precisionThreshold = 0.4
    public var recallThreshold = 0.8
    public var centerDistanceThreshold = 1.0
    public var oneToOneScore = 1.0
    public var oneToManyScore = 0.8
    public var manyToOneScore = 1.0
    public var thresholds: [Double]

    public init(thresholds: [Double] = ScoreThresholds.mmocr0Default) { self.thresholds = thresholds }

    public func evaluate(_ samples: [DetectionSample]) -> DetectionResult {
        let minThr = thresholds.min() ?? 0
        var hitsR: [[Double]] = [], hitsP: [[Double]] = [], gtCounts: [Int] = [], preds: [[Int]] = []
        var repaired = 0, tooFew = 0
        for s in samples {
            // GT order as the reference builds it: cared first, then ignored.
            let order = s.gtIgnored.indices.filter { !s.gtIgnored[$0] } + s.gtIgnored.indices.filter { s.gtIgnored[$0] }
            let gtFlat = order.map { s.gtPolygons[$0] }
            let careCount = order.count - s.gtIgnored.filter { $0 }.count
            func polygon(_ flat: [Double]) -> EvalPolygon {
                if flat.count < 8 { tooFew += 1; return EvalPolygon(flat: [], repair: .buffer0) }
                let p = EvalPolygon(flat: flat, repair: .buffer0)
                if p.wasRepaired { repaired += 1 }
                return p
            }
            let gts = gtFlat.map(polygon)
            var kept: [(flat: [Double], poly: EvalPolygon, score: Double)] = []
            for (j, flat) in s.predPolygons.enumerated() where s.predScores[j] > minThr {
                kept.append((flat, polygon(flat), s.predScores[j]))
            }
            // Matrices over all GT × kept predictions (threshold subsets are column subsets).
            var inter = [[Double]](repeating: [Double](repeating: 0, count: kept.count), count: gts.count)
            for g in gts.indices { for d in kept.indices { inter[g][d] = kept[d].poly.intersectionArea(gts[g]) } }
            var hR: [Double] = [], hP: [Double] = [], pc: [Int] = []
            for thr in thresholds {
                let cols = kept.indices.filter { kept[$0].score >= thr }
                let r = image(gts: gts, gtFlat: gtFlat, careCount: careCount, dets: cols.map { kept[$0] }, inter: inter, cols: cols)
                hR.append(r.recall); hP.append(r.precision); pc.append(r.predCare)
            }
            hitsR.append(hR); hitsP.append(hP); gtCounts.append(careCount); preds.append(pc)
        }
        return DetectionResult.make(thresholds: thresholds, hitsR: hitsR, hitsP: hitsP, gt: gtCounts, preds: preds,
                                    repaired: repaired, tooFew: tooFew)
    }

    private func image(gts: [EvalPolygon], gtFlat: [[Double]], careCount: Int,
                       dets: [(flat: [Double], poly: EvalPolygon, score: Double)],
                       inter: [[Double]], cols: [Int]) -> (recall: Double, precision: Double, predCare: Int) {
        let gtNum = gts.count, detNum = dets.count
        let gtIgnored = (0..<gtNum).map { $0 >= careCount }
        var detIgnored = [Bool](repeating: false, count: detNum)
        for d in 0..<detNum {
            for g in careCount..<gtNum {
                let a = dets[d].poly.rawArea
                let p = a == 0 ? 0 : inter[g][cols[d]] / a
                if p > precisionThreshold { detIgnored[d] = true; break }
            }
        }
        let predCare = detNum - detIgnored.filter { $0 }.count
        var accR = 0.0, accP = 0.0
        if detNum > 0 && gtNum > 0 {
            var rec = [[Double]](repeating: [Double](repeating: 0, count: detNum), count: gtNum)
            var pre = rec
            for g in 0..<gtNum {
                for d in 0..<detNum {
                    let i = inter[g][cols[d]]
                    if gts[g].rawArea != 0 { rec[g][d] = i / gts[g].rawArea }
                    if dets[d].poly.rawArea != 0 { pre[g][d] = i / dets[d].poly.rawArea }
                }
            }
            var gtHit = [Bool](repeating: false, count: gtNum), detHit = [Bool](repeating: false, count: detNum)
            func strong(_ g: Int, _ d: Int) -> Bool { rec[g][d] > recallThreshold && pre[g][d] > precisionThreshold }
            for g in 0..<gtNum {
                for d in 0..<detNum {
                    if gtHit[g] || detHit[d] || gtIgnored[g] || detIgnored[d] { continue }
                    // one2one_match_ic13: the only strong pair in its row and in its column.
                    var c = 0
                    for k in 0..<detNum where strong(g, k) { c += 1 }
                    if c != 1 { continue }
                    c = 0
                    for k in 0..<gtNum where strong(k, d) { c += 1 }
                    if c != 1 || !strong(g, d) { continue }
                    let dist = 2 * centerDistance(dets[d].flat, gtFlat[g]) / (diagonal(dets[d].flat) + diagonal(gtFlat[g]))
                    if dist < centerDistanceThreshold {
                        gtHit[g] = true; detHit[d] = true
                        accR += oneToOneScore; accP += oneToOneScore
                    }
                }
            }
            for g in 0..<gtNum where !gtIgnored[g] {
                var sum = 0.0
                var ids: [Int] = []
                for d in 0..<detNum where !gtHit[g] && !detHit[d] && !detIgnored[d] && pre[g][d] >= precisionThreshold {
                    sum += rec[g][d]; ids.append(d)
                }
                if sum >= recallThreshold {
                    gtHit[g] = true
                    accR += oneToManyScore; accP += oneToManyScore * Double(ids.count)
                    for d in ids { detHit[d] = true }
                }
            }
            for d in 0..<detNum where !detIgnored[d] {
                var sum = 0.0
                var ids: [Int] = []
                for g in 0..<gtNum where !gtHit[g] && !detHit[d] && !gtIgnored[g] && rec[g][d] >= recallThreshold {
                    sum += pre[g][d]; ids.append(g)
                }
                if sum >= precisionThreshold {
                    detHit[d] = true
                    accR += manyToOneScore * Double(ids.count); accP += manyToOneScore
                    for g in ids { gtHit[g] = true }
                }
            }
        }
        return (accR, accP, predCare)
    }

    /// Distance between the mean points of two polygons (`box_center_distance`).
    private func centerDistance(_ a: [Double], _ b: [Double]) -> Double {
        func center(_ p: [Double]) -> (Double, Double) {
            var sx = 0.0, sy = 0.0
            let n = p.count / 2
            for i in 0..<n { sx += p[2 * i]; sy += p[2 * i + 1] }
            return (sx / Double(n), sy / Double(n))
        }
        let ca = center(a), cb = center(b)
        let dx = cb.0 - ca.0, dy = cb.1 - ca.1
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Point 0 → point 2 (`box_diag`).
    private func diagonal(_ p: [Double]) -> Double {
        guard p.count >= 6 else { return 0 }
        let dx = p[4] - p[0], dy = p[5] - p[1]
        return (dx * dx + dy * dy).squareRoot()
    }
}
