/// The minimum-area enclosing rectangle of a polygon (convex hull + rotating calipers), as four
/// corners: how prep warps curved text (polygons with more than 4 points), which the reference
/// cannot do.
public enum MinAreaRect {
    /// Corners `[x1, y1, …, x4, y4]`, or nil when the polygon has no area.
    public static func corners(_ polygon: [Double]) -> [Double]? {
        var pts: [(Double, Double)] = []
        var i = 0
        while i + 1 < polygon.count { pts.append((polygon[i], polygon[i + 1])); i += 2 }
        let hull = convexHull(pts)
        guard hull.count >= 3 else { return nil }
        var best: (area: Double, corners: [Double])? = nil
        for k in 0..<hull.count {
            let p = hull[k], q = hull[(k + 1) % hull.count]
            let ex = q.0 - p.0, ey = q.1 - p.1
            let len = (ex * ex + ey * ey).squareRoot()
            if len == 0 { continue }
            let ux = ex / len, uy = ey / len  // edge direction; normal is (-uy, ux)
            var minU = Double.infinity, maxU = -Double.infinity, minV = Double.infinity, maxV = -Double.infinity
            for h in hull {
                let u = h.0 * ux + h.1 * uy, v = -h.0 * uy + h.1 * ux
                minU = min(minU, u); maxU = max(maxU, u); minV = min(minV, v); maxV = max(maxV, v)
            }
            let area = (maxU - minU) * (maxV - minV)
            if best == nil || area < best!.area - 1e-9 {
                func pt(_ u: Double, _ v: Double) -> [Double] { [u * ux - v * uy, u * uy + v * ux] }
                best = (area, pt(minU, minV) + pt(maxU, minV) + pt(maxU, maxV) + pt(minU, maxV))
            }
        }
        guard let b = best, b.area > 0 else { return nil }
        return b.corners
    }

    /// Andrew's monotone chain, counter-clockwise, collinear points dropped.
    static func convexHull(_ points: [(Double, Double)]) -> [(Double, Double)] {
        let p = points.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        guard p.count >= 3 else { return p }
        func cross(_ o: (Double, Double), _ a: (Double, Double), _ b: (Double, Double)) -> Double {
            (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
        }
        var lower: [(Double, Double)] = [], upper: [(Double, Double)] = []
        for q in p {
            while lower.count >= 2 && cross(lower[lower.count - 2], lower[lower.count - 1], q) <= 0 { lower.removeLast() }
            lower.append(q)
        }
        for q in p.reversed() {
            while upper.count >= 2 && cross(upper[upper.count - 2], upper[upper.count - 1], q) <= 0 { upper.removeLast() }
            upper.append(q)
        }
        return Array(lower.dropLast() + upper.dropLast())
    }
}
