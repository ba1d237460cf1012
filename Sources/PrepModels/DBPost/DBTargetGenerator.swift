/// DBNet's target rules as MMOCR 1.x `DBModuleLoss._get_target_single`:
/// - a polygon is ignored (masked out of `probMask`) when flagged `###`, when its area is below 1
///   or its `minAreaRect` shorter side is below `minSideLength`, or when its shrink vanishes or
///   splits;
/// - kept polygons (truncated to integers) are shrunk by D = int(A(1 − r²)/(L + 0.001) + 0.5)
///   through Clipper and filled (OpenCV `fillPoly`) into `probMap`;
/// - each kept polygon is dilated by D = A(1 − r²)/L (float coordinates); inside the dilated box
///   the threshold canvas is max(canvas, 1 − min over edges of clip(dist/D, 0, 1)), `threshMask` is
///   the filled dilated polygon, and `threshMap` = canvas · (max − min) + min in float32.
/// Differences from MMOCR (README): polygons with fewer than 3 points, non-finite coordinates or
/// self-intersecting rings are ignored and reported instead of crashing shapely or learning a
/// shrink of a tangled ring.
public struct DBTargetGenerator: Sendable {
    public let shrinkRatio: Double
    public let threshMin: Double
    public let threshMax: Double
    public let minSideLength: Double

    public init(shrinkRatio: Double = 0.4, threshMin: Double = 0.3, threshMax: Double = 0.7, minSideLength: Double = 8) {
        self.shrinkRatio = shrinkRatio; self.threshMin = threshMin; self.threshMax = threshMax
        self.minSideLength = minSideLength
    }

    /// polygons in this image's pixel grid (after augmentation), `ignored[i]` for `###`.
    public func make(height: Int, width: Int, polygons: [[Double]], ignored: [Bool]) -> (targets: DBTargets, skipped: [DBTargetSkip]) {
        let h = max(height, 0), w = max(width, 0), n = h * w
        var probMap = [Float](repeating: 0, count: n)
        var probMask = [Float](repeating: 1, count: n)
        var canvas = [Float](repeating: 0, count: n)
        var threshMask = [Float](repeating: 0, count: n)
        var skipped: [DBTargetSkip] = []
        // MMOCR's polygons are float32 arrays: round through Float so the maths sees the same values.
        let polys = polygons.map { $0.map { Double(Float($0)) } }
        var ignore = (0..<polys.count).map { $0 < ignored.count ? ignored[$0] : false }

        for (i, p) in polys.enumerated() where !ignore[i] {
            if let reason = invalidReason(p) {
                ignore[i] = true
                skipped.append(DBTargetSkip(index: i, reason: reason))
            }
        }
        // kernels
        let r2 = shrinkRatio * shrinkRatio
        for (i, p) in polys.enumerated() where !ignore[i] {
            let ip = p.map { Double(DBTargetGenerator.int32($0)) }
            let area = PolygonMeasure.area(ip), peri = PolygonMeasure.length(ip)
            let d = Double(Int(area * (1 - r2) / (peri + 0.001) + 0.5))
            guard let shrunk = PolygonOffset.mmocr(ip, delta: -d) else {
                ignore[i] = true
                skipped.append(DBTargetSkip(index: i, reason: "shrunk by \(Int(d)) px it vanishes or splits"))
                continue
            }
            PolygonRaster.fill(&probMap, width: w, height: h, polygon: shrunk, value: 1)
        }
        // effective mask
        for (i, p) in polys.enumerated() where ignore[i] {
            let ip = p.compactMap { $0.isFinite ? DBTargetGenerator.int32($0) : nil }
            guard ip.count == p.count, ip.count >= 2 else { continue }
            PolygonRaster.fill(&probMask, width: w, height: h, polygon: ip, value: 0)
        }
        // threshold map
        for (i, p) in polys.enumerated() where !ignore[i] {
            drawBorder(p, canvas: &canvas, mask: &threshMask, width: w, height: h)
        }
        let scale = Float(threshMax - threshMin), offset = Float(threshMin)
        let threshMap = canvas.map { $0 * scale + offset }
        return (DBTargets(height: h, width: w, probMap: probMap, probMask: probMask, threshMap: threshMap,
                          threshMask: threshMask), skipped)
    }

    /// numpy's `astype(np.int32)` (truncation toward zero), clamped instead of wrapping.
    static func int32(_ v: Double) -> Int64 {
        guard v.isFinite else { return 0 }
        return Int64(min(max(v, Double(Int32.min)), Double(Int32.max)).rounded(.towardZero))
    }

    /// Why a polygon cannot be learnt from, or nil (MMOCR's `_is_poly_invalid` plus the shapes
    /// MMOCR would crash or produce garbage on).
    private func invalidReason(_ p: [Double]) -> String? {
        if p.count < 6 || p.count % 2 != 0 { return "degenerate: fewer than 3 points" }
        if p.contains(where: { !$0.isFinite || abs($0) > 1e9 }) { return "degenerate: non-finite or huge coordinate" }
        if PolygonMeasure.selfIntersects(p) { return "self-intersecting polygon" }
        let area = PolygonMeasure.area(p)
        if area < 1 { return "degenerate: area \(area) < 1" }
        let rect = MinAreaRect(points: p.map { Float($0) })
        let side = Double(min(rect.width, rect.height))
        if side < minSideLength { return "too small: shorter side \(side) < \(minSideLength)" }
        return nil
    }

    /// MMOCR's `_draw_border_map` for one polygon.
    private func drawBorder(_ poly: [Double], canvas: inout [Float], mask: inout [Float], width: Int, height: Int) {
        let n = poly.count / 2
        let area = PolygonMeasure.area(poly), length = PolygonMeasure.length(poly)
        let distance = area * (1 - shrinkRatio * shrinkRatio) / length
        var expanded = PolygonOffset.mmocr(poly, delta: distance) ?? poly.map { DBTargetGenerator.int32($0) }
        if expanded.isEmpty { expanded = poly.map { DBTargetGenerator.int32($0) } }
        var xMin = Int.max, xMax = Int.min, yMin = Int.max, yMax = Int.min
        for k in stride(from: 0, to: expanded.count, by: 2) {
            xMin = min(xMin, Int(expanded[k])); xMax = max(xMax, Int(expanded[k]))
            yMin = min(yMin, Int(expanded[k + 1])); yMax = max(yMax, Int(expanded[k + 1]))
        }
        let bw = xMax - xMin + 1, bh = yMax - yMin + 1
        guard width > 0, height > 0 else { return }
        let xMinV = min(max(0, xMin), width - 1), xMaxV = min(max(0, xMax), width - 1)
        let yMinV = min(max(0, yMin), height - 1), yMaxV = min(max(0, yMax), height - 1)
        if xMinV - xMin >= bw || yMinV - yMin >= bh { return }
        PolygonRaster.fill(&mask, width: width, height: height, polygon: expanded, value: 1)
        // the window of the distance map numpy slices out (negative starts wrap, as in numpy)
        let cols = PySlice.range(start: xMinV - xMin, stop: xMaxV - xMax + bw, count: bw)
        let rows = PySlice.range(start: yMinV - yMin, stop: yMaxV - yMax + bh, count: bh)
        guard cols.count == xMaxV - xMinV + 1, rows.count == yMaxV - yMinV + 1 else { return }
        // polygon relative to the box, in float32 as MMOCR's in-place subtraction
        var px = [Double](repeating: 0, count: n), py = px
        for k in 0..<n {
            px[k] = Double(Float(poly[2 * k]) - Float(xMin)); py[k] = Double(Float(poly[2 * k + 1]) - Float(yMin))
        }
        let eps = Double(Float.ulpOfOne)
        // |p1 − p2|² is float32 in MMOCR (both points are float32 numpy values)
        let c2s: [Double] = (0..<n).map { e in
            let f = (e + 1) % n
            let dx = Float(px[e]) - Float(px[f]), dy = Float(py[e]) - Float(py[f])
            return Double(dx * dx + dy * dy)
        }
        // squared distance from the pixel to each vertex, shared by the two edges that meet there
        var d2 = [Double](repeating: 0, count: n)
        for (ri, by) in rows.enumerated() {
            let ys = Double(by)
            for (ci, bx) in cols.enumerated() {
                let xs = Double(bx)
                for k in 0..<n { d2[k] = (xs - px[k]) * (xs - px[k]) + (ys - py[k]) * (ys - py[k]) }
                var best: Float = 1
                for e in 0..<n {
                    let a2 = d2[e], b2 = d2[e + 1 < n ? e + 1 : 0]
                    let c2 = c2s[e]
                    var negCos = (c2 - a2 - b2) / (eps + 2 * (a2 * b2).squareRoot())
                    negCos = min(max(negCos, -1), 1)
                    var sin2 = 1 - negCos * negCos
                    if sin2.isNaN { sin2 = 0 }
                    var dist = (a2 * b2 * sin2 / (eps + c2)).squareRoot()
                    if negCos < 0 { dist = min(a2, b2).squareRoot() }
                    let v = Float(min(max(dist / distance, 0), 1))
                    if v < best { best = v }
                }
                let idx = (yMinV + ri) * width + xMinV + ci
                let value = 1 - best
                // np.fmax: the non-NaN one wins
                if canvas[idx].isNaN || value > canvas[idx] { canvas[idx] = value.isNaN ? canvas[idx] : value }
            }
        }
    }
}
