/// A polygon prepared once for many overlap tests, as MMOCR's Shapely code sees it: the raw
/// area (`Polygon.area` of the points as given, used by the ignore tests) and the repaired
/// region (`poly_make_valid`) used for intersections and unions.
public struct EvalPolygon: Sendable {
    /// How an invalid polygon is repaired.
    public enum Repair: Sendable {
        /// MMOCR 0.6.3 `poly_make_valid`: `buffer(0)` only (a MultiPolygon stays one).
        case buffer0
        /// MMOCR 1.x `poly_make_valid`: `buffer(0)`, then the convex hull if still a MultiPolygon.
        case buffer0ConvexHull
    }

    public let ring: PolygonGeometry.SignedRing
    /// Shapely's `area` of the unrepaired polygon: |shoelace| of the ring as given.
    public let rawArea: Double
    /// Area of the repaired region.
    public let area: Double
    public let minX: Double, minY: Double, maxX: Double, maxY: Double
    /// The points did not form a valid polygon (self-crossing, self-touching, zero area) and
    /// were repaired the way the reference repairs them.
    public let wasRepaired: Bool
    /// The repair produced several pieces and 1.x replaced them with their convex hull.
    public let usedConvexHull: Bool
    /// A valid convex ring, counter-clockwise: intersections with another such ring take the
    /// clipping fast path (most text boxes are convex quadrilaterals).
    let convexCCW: (xs: [Double], ys: [Double])?

    /// `flat` = [x1, y1, x2, y2, …] (at least one point; callers check the protocol's minimum).
    public init(flat: [Double], repair: Repair) {
        var xs: [Double] = [], ys: [Double] = []
        xs.reserveCapacity(flat.count / 2); ys.reserveCapacity(flat.count / 2)
        var i = 0
        while i + 1 < flat.count { xs.append(flat[i]); ys.append(flat[i + 1]); i += 2 }
        // Shapely drops nothing but the closing point is implicit; an explicitly repeated first
        // point at the end is the same ring.
        if xs.count > 1, xs[0] == xs[xs.count - 1], ys[0] == ys[ys.count - 1] { xs.removeLast(); ys.removeLast() }
        let twice = PolygonGeometry.twiceSignedArea(xs: xs, ys: ys)
        rawArea = abs(twice) / 2
        let invalid = twice == 0 || PolygonGeometry.selfIntersects(xs: xs, ys: ys)
        var ring = PolygonGeometry.SignedRing(xs: xs, ys: ys, sign: twice > 0 ? 1 : -1)
        var hull = false
        if invalid && repair == .buffer0ConvexHull {
            let pieces = PolygonGeometry.boundaryPieces([ring])
            if PolygonGeometry.shellCount(pieces) > 1 {
                var pts: [(Double, Double)] = []
                for p in pieces { pts.append((p.0, p.1)); pts.append((p.2, p.3)) }
                let h = PolygonGeometry.convexHull(pts)
                ring = PolygonGeometry.SignedRing(xs: h.map { $0.0 }, ys: h.map { $0.1 }, sign: 1)
                hull = true
            }
        }
        self.ring = ring
        self.wasRepaired = invalid
        self.usedConvexHull = hull
        if invalid {
            area = hull ? abs(PolygonGeometry.twiceSignedArea(xs: ring.xs, ys: ring.ys)) / 2
                        : PolygonGeometry.intersectionArea([ring])
        } else {
            area = rawArea
        }
        convexCCW = invalid ? nil : PolygonGeometry.convexCounterClockwise(xs: ring.xs, ys: ring.ys)
        minX = ring.xs.min() ?? 0; maxX = ring.xs.max() ?? 0
        minY = ring.ys.min() ?? 0; maxY = ring.ys.max() ?? 0
    }

    /// Area of the intersection of the two repaired regions (a bounding-box test first).
    public func intersectionArea(_ other: EvalPolygon) -> Double {
        if maxX <= other.minX || other.maxX <= minX || maxY <= other.minY || other.maxY <= minY { return 0 }
        if area == 0 || other.area == 0 { return 0 }
        if let a = convexCCW, let b = other.convexCCW { return PolygonGeometry.convexIntersectionArea(a, b) }
        return PolygonGeometry.intersectionArea([ring, other.ring])
    }

    /// IoU of the repaired regions; 0 when the union is empty (`poly_iou`'s `zero_division`).
    public func iou(_ other: EvalPolygon) -> Double {
        let inter = intersectionArea(other)
        let union = area + other.area - inter
        return union != 0 ? inter / union : 0
    }
}
