extension PolygonGeometry {
    /// The ring counter-clockwise if it is convex (every turn the same way; the caller knows it
    /// is simple), else nil.
    static func convexCounterClockwise(xs: [Double], ys: [Double]) -> (xs: [Double], ys: [Double])? {
        let n = xs.count
        guard n >= 3 else { return nil }
        var pos = false, neg = false
        for i in 0..<n {
            let j = (i + 1) % n, k = (i + 2) % n
            let c = orient(xs[i], ys[i], xs[j], ys[j], xs[k], ys[k])
            if c > 0 { pos = true } else if c < 0 { neg = true }
            if pos && neg { return nil }
        }
        if neg { return (xs.reversed(), ys.reversed()) }
        return (xs, ys)
    }

    /// Area of the intersection of two convex counter-clockwise rings (Sutherland–Hodgman).
    static func convexIntersectionArea(_ a: (xs: [Double], ys: [Double]), _ b: (xs: [Double], ys: [Double])) -> Double {
        var px = a.xs, py = a.ys
        var qx: [Double] = [], qy: [Double] = []
        qx.reserveCapacity(px.count + b.xs.count); qy.reserveCapacity(px.count + b.xs.count)
        let m = b.xs.count
        for e in 0..<m {
            let ax = b.xs[e], ay = b.ys[e], bx = b.xs[(e + 1) % m], by = b.ys[(e + 1) % m]
            if ax == bx && ay == by { continue }
            qx.removeAll(keepingCapacity: true); qy.removeAll(keepingCapacity: true)
            let n = px.count
            if n == 0 { return 0 }
            var sx = px[n - 1], sy = py[n - 1]
            var sIn = orient(ax, ay, bx, by, sx, sy) >= 0
            for i in 0..<n {
                let ex = px[i], ey = py[i]
                let eIn = orient(ax, ay, bx, by, ex, ey) >= 0
                if eIn != sIn {
                    // Where S→E crosses the clip line.
                    let ds = orient(ax, ay, bx, by, sx, sy), de = orient(ax, ay, bx, by, ex, ey)
                    let t = ds / (ds - de)
                    qx.append(sx + t * (ex - sx)); qy.append(sy + t * (ey - sy))
                }
                if eIn { qx.append(ex); qy.append(ey) }
                sx = ex; sy = ey; sIn = eIn
            }
            swap(&px, &qx); swap(&py, &qy)
        }
        return max(0, twiceSignedArea(xs: px, ys: py) / 2)
    }
}
