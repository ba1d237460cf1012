/// All edges of a few rings split at every mutual contact, with the winding number of each ring
/// on both sides of every piece (see `PolygonGeometry`). Internal: the engine behind areas.
struct Arrangement {
    private let rings: [PolygonGeometry.SignedRing]
    private var ex0: [Double] = [], ey0: [Double] = [], ex1: [Double] = [], ey1: [Double] = []
    private var eRing: [Int] = []

    init(rings: [PolygonGeometry.SignedRing]) {
        self.rings = rings
        for (r, ring) in rings.enumerated() {
            let n = ring.count
            guard n >= 2 else { continue }
            for i in 0..<n {
                let j = (i + 1) % n
                if ring.xs[i] == ring.xs[j] && ring.ys[i] == ring.ys[j] { continue }
                ex0.append(ring.xs[i]); ey0.append(ring.ys[i]); ex1.append(ring.xs[j]); ey1.append(ring.ys[j])
                eRing.append(r)
            }
        }
    }

    private struct PieceKey: Hashable { let ax, ay, bx, by: Double }

    /// Calls `body` once per distinct piece that lies on the boundary of the intersection of all
    /// rings' regions, with `insideOnLeft` telling on which side of p→q the region is.
    func forEachBoundaryPiece(_ body: (Double, Double, Double, Double, Bool) -> Void) {
        let m = ex0.count
        guard m > 0 else { return }
        var splits = [[(Double, Double)]](repeating: [], count: m)
        for i in 0..<m { splits[i] = [(ex0[i], ey0[i]), (ex1[i], ey1[i])] }
        for i in 0..<m {
            let minXi = min(ex0[i], ex1[i]), maxXi = max(ex0[i], ex1[i])
            let minYi = min(ey0[i], ey1[i]), maxYi = max(ey0[i], ey1[i])
            for j in (i + 1)..<m {
                if max(ex0[j], ex1[j]) < minXi || min(ex0[j], ex1[j]) > maxXi
                    || max(ey0[j], ey1[j]) < minYi || min(ey0[j], ey1[j]) > maxYi { continue }
                addContacts(i, j, &splits)
            }
        }
        // Pieces, deduplicated across edges (overlapping collinear edges give identical pieces).
        var index: [PieceKey: Int] = [:]
        var pieces: [PieceKey] = []
        var owners: [[Int]] = []
        for e in 0..<m {
            var pts = splits[e]
            let dx = ex1[e] - ex0[e], dy = ey1[e] - ey0[e]
            pts.sort { ($0.0 - ex0[e]) * dx + ($0.1 - ey0[e]) * dy < ($1.0 - ex0[e]) * dx + ($1.1 - ey0[e]) * dy }
            var prev = pts[0]
            for k in 1..<pts.count {
                let p = pts[k]
                if p == prev { continue }
                let key = (prev.0 < p.0 || (prev.0 == p.0 && prev.1 < p.1))
                    ? PieceKey(ax: prev.0, ay: prev.1, bx: p.0, by: p.1)
                    : PieceKey(ax: p.0, ay: p.1, bx: prev.0, by: prev.1)
                if let at = index[key] {
                    owners[at].append(e)
                } else {
                    index[key] = pieces.count
                    pieces.append(key)
                    owners.append([e])
                }
                prev = p
            }
        }
        let ringCount = rings.count
        var left = [Int](repeating: 0, count: ringCount)
        var right = [Int](repeating: 0, count: ringCount)
        for (pi, piece) in pieces.enumerated() {
            let own = owners[pi]
            // Sides are judged against the parent edge (exact input coordinates), not the piece,
            // whose computed crossing points may sit a rounding error off that edge.
            let e0 = own[0]
            let pdx = ex1[e0] - ex0[e0], pdy = ey1[e0] - ey0[e0]
            let mx = (piece.ax + piece.bx) / 2
            let my = pdy == 0 ? ey0[e0] : (piece.ay + piece.by) / 2
            for r in 0..<ringCount {
                // Σ: edges of ring r along this piece, +1 running like the parent, −1 against.
                var along = 0
                for e in own where eRing[e] == r {
                    along += (ex1[e] - ex0[e]) * pdx + (ey1[e] - ey0[e]) * pdy > 0 ? 1 : -1
                }
                // Crossing number of the other edges of ring r, seen from the midpoint (half-open
                // rule: as if the point sat infinitesimally above).
                var s = 0
                for e in 0..<m where eRing[e] == r && !own.contains(e) {
                    let ax = ex0[e], ay = ey0[e], bx = ex1[e], by = ey1[e]
                    if ay <= my {
                        if by > my && (bx - ax) * (my - ay) - (by - ay) * (mx - ax) > 0 { s += 1 }
                    } else if by <= my && (bx - ax) * (my - ay) - (by - ay) * (mx - ax) < 0 {
                        s -= 1
                    }
                }
                // Left of an upward parent is −x: the +x ray from there crosses the parent's
                // edges. Left of a rightward horizontal parent is "above", which the half-open
                // rule already sees; left of a leftward one is below.
                if pdy > 0 || (pdy == 0 && pdx < 0) { left[r] = s + along; right[r] = s }
                else { left[r] = s; right[r] = s - along }
            }
            if (piece.bx - piece.ax) * pdx + (piece.by - piece.ay) * pdy < 0 { swap(&left, &right) }
            var inL = true, inR = true
            for r in 0..<ringCount {
                let sign = rings[r].sign
                if left[r] * sign <= 0 { inL = false }
                if right[r] * sign <= 0 { inR = false }
            }
            if inL != inR { body(piece.ax, piece.ay, piece.bx, piece.by, inL) }
        }
    }

    private func addContacts(_ i: Int, _ j: Int, _ splits: inout [[(Double, Double)]]) {
        let p1x = ex0[i], p1y = ey0[i], q1x = ex1[i], q1y = ey1[i]
        let p2x = ex0[j], p2y = ey0[j], q2x = ex1[j], q2y = ey1[j]
        let o1 = PolygonGeometry.orient(p2x, p2y, q2x, q2y, p1x, p1y)
        let o2 = PolygonGeometry.orient(p2x, p2y, q2x, q2y, q1x, q1y)
        let o3 = PolygonGeometry.orient(p1x, p1y, q1x, q1y, p2x, p2y)
        let o4 = PolygonGeometry.orient(p1x, p1y, q1x, q1y, q2x, q2y)
        if o1 == 0 && o2 == 0 {
            // Collinear (also catches o3 = o4 = 0): each edge is split at the other's endpoints
            // that fall inside it.
            if o3 != 0 || o4 != 0 { return }
            for (x, y) in [(p2x, p2y), (q2x, q2y)] where within(x, y, p1x, p1y, q1x, q1y) { splits[i].append((x, y)) }
            for (x, y) in [(p1x, p1y), (q1x, q1y)] where within(x, y, p2x, p2y, q2x, q2y) { splits[j].append((x, y)) }
            return
        }
        if (o1 > 0 && o2 > 0) || (o1 < 0 && o2 < 0) || (o3 > 0 && o4 > 0) || (o3 < 0 && o4 < 0) { return }
        let x: Double, y: Double
        if o1 == 0 { x = p1x; y = p1y }
        else if o2 == 0 { x = q1x; y = q1y }
        else if o3 == 0 { x = p2x; y = p2y }
        else if o4 == 0 { x = q2x; y = q2y }
        else {
            let t = o1 / (o1 - o2)
            x = p1x + t * (q1x - p1x); y = p1y + t * (q1y - p1y)
        }
        splits[i].append((x, y))
        splits[j].append((x, y))
    }

    /// Whether collinear point (x, y) lies on the closed segment a–b.
    private func within(_ x: Double, _ y: Double, _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double) -> Bool {
        if ax != bx { return x >= min(ax, bx) && x <= max(ax, bx) }
        return y >= min(ay, by) && y <= max(ay, by)
    }
}
