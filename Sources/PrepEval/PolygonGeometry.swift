/// Exact-as-floating-point area of regions bounded by (possibly self-intersecting) rings, the way
/// Shapely/GEOS sees them after MMOCR's `buffer(0)` repair.
///
/// A ring together with an orientation sign `s` describes the region `{p : winding(p) · s > 0}`.
/// That is what GEOS's `buffer(0)` keeps of an invalid ring: the lobes wound the same way as the
/// ring as a whole (checked against Shapely 1.8.5/GEOS 3.10 and 2.0.4/GEOS 3.11 on bow-ties, a
/// pentagram, loops and spikes; `scripts/eval_golden.py` keeps those cases in the fixtures).
/// For a valid ring the region is simply its interior.
///
/// Areas are computed without building the clipped polygon: every edge of every ring is split
/// at all crossings, and by Green's theorem the area of the region is the sum of `cross(p, q)/2`
/// over the pieces that have the region on their left (minus those that have it on their right).
/// Which side is inside follows from winding numbers, so self-intersections, shared edges and
/// degenerate (zero-area) rings need no special case.
public enum PolygonGeometry {
    /// A ring with the sign of the winding numbers that count as inside.
    public struct SignedRing: Sendable {
        public var xs: [Double]
        public var ys: [Double]
        public var sign: Int
        public init(xs: [Double], ys: [Double], sign: Int) { self.xs = xs; self.ys = ys; self.sign = sign }
        public var count: Int { xs.count }
    }

    /// Twice the signed (shoelace) area, positive for counter-clockwise rings (y up).
    public static func twiceSignedArea(xs: [Double], ys: [Double]) -> Double {
        let n = xs.count
        guard n >= 3 else { return 0 }
        // Relative to the first x, as GEOS does, to keep large coordinates precise.
        let x0 = xs[0]
        var sum = 0.0
        for i in 1..<(n - 1) {
            sum += (xs[i] - x0) * (ys[i + 1] - ys[i - 1])
        }
        sum += (xs[n - 1] - x0) * (ys[0] - ys[n - 2])
        return sum
    }

    /// Area of the intersection of the regions of all `rings` (one ring: its repaired area).
    public static func intersectionArea(_ rings: [SignedRing]) -> Double {
        let arrangement = Arrangement(rings: rings)
        var twice = 0.0
        arrangement.forEachBoundaryPiece { px, py, qx, qy, insideOnLeft in
            let c = px * qy - qx * py
            twice += insideOnLeft ? c : -c
        }
        return twice / 2
    }

    /// Directed boundary pieces of the intersection region, each with the region on its left.
    static func boundaryPieces(_ rings: [SignedRing]) -> [(Double, Double, Double, Double)] {
        var out: [(Double, Double, Double, Double)] = []
        Arrangement(rings: rings).forEachBoundaryPiece { px, py, qx, qy, left in
            out.append(left ? (px, py, qx, qy) : (qx, qy, px, py))
        }
        return out
    }

    /// Whether the ring crosses or touches itself anywhere but at consecutive edges' shared
    /// vertex (the cases Shapely's `is_valid` rejects, which MMOCR then repairs).
    public static func selfIntersects(xs: [Double], ys: [Double]) -> Bool {
        let n = xs.count
        if n < 3 { return true }
        for i in 0..<n {
            let i2 = (i + 1) % n
            for j in (i + 1)..<n {
                let j2 = (j + 1) % n
                let adjacent = j == i + 1 || (i == 0 && j == n - 1)
                guard let hit = segmentContact(xs[i], ys[i], xs[i2], ys[i2], xs[j], ys[j], xs[j2], ys[j2]) else { continue }
                if !adjacent { return true }
                if hit == .overlap { return true }
            }
        }
        return false
    }

    enum Contact { case point, overlap }

    static func segmentContact(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double,
                               _ cx: Double, _ cy: Double, _ dx: Double, _ dy: Double) -> Contact? {
        let d1 = orient(cx, cy, dx, dy, ax, ay), d2 = orient(cx, cy, dx, dy, bx, by)
        let d3 = orient(ax, ay, bx, by, cx, cy), d4 = orient(ax, ay, bx, by, dx, dy)
        if d1 == 0 && d2 == 0 {
            // Collinear: overlapping in more than a point?
            let useX = abs(bx - ax) >= abs(by - ay) && !(ax == bx && cx == dx)
            let (a0, a1) = useX ? (min(ax, bx), max(ax, bx)) : (min(ay, by), max(ay, by))
            let (c0, c1) = useX ? (min(cx, dx), max(cx, dx)) : (min(cy, dy), max(cy, dy))
            let lo = max(a0, c0), hi = min(a1, c1)
            if lo < hi { return .overlap }
            return lo == hi ? .point : nil
        }
        if ((d1 > 0 && d2 > 0) || (d1 < 0 && d2 < 0)) { return nil }
        if ((d3 > 0 && d4 > 0) || (d3 < 0 && d4 < 0)) { return nil }
        return .point
    }

    @inline(__always)
    static func orient(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ px: Double, _ py: Double) -> Double {
        (bx - ax) * (py - ay) - (by - ay) * (px - ax)
    }

    /// Convex hull (Andrew's monotone chain), counter-clockwise, no repeated first point.
    public static func convexHull(_ points: [(Double, Double)]) -> [(Double, Double)] {
        let pts = points.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var unique: [(Double, Double)] = []
        for p in pts where unique.last.map({ $0 != p }) ?? true { unique.append(p) }
        if unique.count < 3 { return unique }
        var lower: [(Double, Double)] = [], upper: [(Double, Double)] = []
        for p in unique {
            while lower.count >= 2, orient(lower[lower.count - 2].0, lower[lower.count - 2].1, lower[lower.count - 1].0, lower[lower.count - 1].1, p.0, p.1) <= 0 { lower.removeLast() }
            lower.append(p)
        }
        for p in unique.reversed() {
            while upper.count >= 2, orient(upper[upper.count - 2].0, upper[upper.count - 2].1, upper[upper.count - 1].0, upper[upper.count - 1].1, p.0, p.1) <= 0 { upper.removeLast() }
            upper.append(p)
        }
        return Array(lower.dropLast() + upper.dropLast())
    }

    /// Number of separate outer boundaries (shells) of a region given by its directed boundary
    /// pieces. At a vertex where two shells touch, the trace turns as sharply right as it can, so
    /// shells that only share a point are counted apart (GEOS returns a MultiPolygon there).
    static func shellCount(_ pieces: [(Double, Double, Double, Double)]) -> Int {
        struct Key: Hashable { let x: Double; let y: Double }
        var outgoing: [Key: [Int]] = [:]
        for (i, p) in pieces.enumerated() { outgoing[Key(x: p.0, y: p.1), default: []].append(i) }
        var used = [Bool](repeating: false, count: pieces.count)
        var shells = 0
        for start in pieces.indices where !used[start] {
            var twice = 0.0
            var e = start
            var guardSteps = 0
            while !used[e] && guardSteps <= pieces.count {
                guardSteps += 1
                used[e] = true
                let (px, py, qx, qy) = pieces[e]
                twice += px * qy - qx * py
                // Next: the unused outgoing piece at q with the smallest clockwise turn from the
                // reversed incoming direction.
                let rx = px - qx, ry = py - qy
                let back = pseudoAngle(ry, rx)
                var best = -1
                var bestAngle = Double.infinity
                for cand in outgoing[Key(x: qx, y: qy)] ?? [] where !used[cand] {
                    let c = pieces[cand]
                    var a = back - pseudoAngle(c.3 - c.1, c.2 - c.0)
                    if a <= 0 { a += 4 }
                    if a < bestAngle { bestAngle = a; best = cand }
                }
                if best < 0 { break }
                e = best
            }
            if twice > 0 { shells += 1 }
        }
        return shells
    }

    /// Pseudo-angle of a direction in [0, 4), monotone in the true angle (no trigonometry).
    @inline(__always)
    static func pseudoAngle(_ y: Double, _ x: Double) -> Double {
        if y >= 0 { return x >= 0 ? (x + y == 0 ? 0 : y / (x + y)) : 1 - x / (-x + y) }
        return x < 0 ? 2 - y / (-x - y) : 3 + x / (x - y)
    }
}
