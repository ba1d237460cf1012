import PrepCore

/// Geometry checks of one instance against its page size: unusable coordinates (odd count,
/// fewer than 3 points, NaN/inf) stop the other checks, so one defect is reported once.
public struct GeometryCheck: Sendable {
    /// Points up to this many pixels outside the image are a warning, further out an error.
    public var tolerance: Double
    /// A recorded bbox may differ from the polygon's bounds by this much (rounding).
    public var bboxTolerance: Double = 1

    public init(tolerance: Double = 2) { self.tolerance = tolerance }

    public func check(_ p: [Double], width: Int?, height: Int?, bbox: [Double]?) -> [(AnomalyKind, String)] {
        if p.count % 2 != 0 { return [(.oddCoordinates, "odd number of coordinates (\(p.count))")] }
        if p.contains(where: { !$0.isFinite }) { return [(.nonFiniteCoordinate, "a coordinate is NaN or infinite")] }
        if p.count < 6 { return [(.tooFewPoints, "fewer than 3 points (\(p.count / 2))")] }
        var out: [(AnomalyKind, String)] = []
        // A crossing first: a symmetric bow-tie's shoelace area is 0 too, for another reason.
        if let (a, b) = GeometryCheck.selfIntersection(p) {
            out.append((.selfIntersection, "edges \(a + 1) and \(b + 1) cross"))
        } else if Polygon.area(p) == 0 {
            out.append((.zeroArea, "the polygon has zero area"))
        }
        if let w = width, let h = height, w > 0, h > 0 {
            let bd = Polygon.bounds(p)
            let dx = max(0, -bd.minX, bd.maxX - Double(w)), dy = max(0, -bd.minY, bd.maxY - Double(h))
            let by = max(dx, dy)
            if by > 0 {
                let what = "a point lies \(GeometryCheck.format(by)) px outside the \(w)x\(h) image (bounds \(GeometryCheck.format(bd.minX)),\(GeometryCheck.format(bd.minY))–\(GeometryCheck.format(bd.maxX)),\(GeometryCheck.format(bd.maxY)))"
                out.append((by > tolerance ? .pointOutsideImage : .pointSlightlyOutside, what))
            }
        }
        if let b = bbox, b.count == 4 {
            let xywh = Polygon.xywh(p)
            if zip(xywh, b).contains(where: { abs($0 - $1) > bboxTolerance }) {
                out.append((.bboxMismatch, "bbox [\(b.map(GeometryCheck.format).joined(separator: ", "))] but the polygon's bounds give [\(xywh.map(GeometryCheck.format).joined(separator: ", "))]"))
            }
        }
        return out
    }

    static func format(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(format: "%.2f", d)
    }

    /// The first pair of non-adjacent edges that cross (0-based edge indices), or nil. Edge i
    /// joins point i and point i+1 (the last joins back to the first). Polygons above 256 points
    /// are not checked (quadratic).
    public static func selfIntersection(_ p: [Double]) -> (Int, Int)? {
        let n = p.count / 2
        guard n >= 4, n <= 256 else { return nil }
        func pt(_ i: Int) -> (Double, Double) { (p[2 * (i % n)], p[2 * (i % n) + 1]) }
        func orient(_ a: (Double, Double), _ b: (Double, Double), _ c: (Double, Double)) -> Double {
            (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
        }
        for i in 0..<n {
            for j in stride(from: i + 2, to: n, by: 1) where !(i == 0 && j == n - 1) {
                let a = pt(i), b = pt(i + 1), c = pt(j), d = pt(j + 1)
                let o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b)
                // Proper crossings only: touching at a vertex is left to zero-area and the like.
                if ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0)) { return (i, j) }
            }
        }
        return nil
    }
}
