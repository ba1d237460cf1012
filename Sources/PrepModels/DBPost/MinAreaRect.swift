import Foundation

/// OpenCV's `minAreaRect` (convex hull by Sklansky's scan, clockwise, then rotating calipers in
/// float32) and `boxPoints`, so the rectangle, its corner order and its float32 rounding are
/// OpenCV's.
struct MinAreaRect {
    var centerX: Float, centerY: Float
    var width: Float, height: Float
    /// Degrees.
    var angle: Float

    /// `cv2.boxPoints`: the four corners, flat `[x1, y1, …, x4, y4]`, in OpenCV's order.
    var corners: [Float] {
        let a = Double(angle) * Double.pi / 180
        let b = Float(cos(a)) * 0.5, s = Float(sin(a)) * 0.5
        let p0x = centerX - s * height - b * width
        let p0y = centerY + b * height - s * width
        let p1x = centerX + s * height - b * width
        let p1y = centerY - b * height - s * width
        return [p0x, p0y, p1x, p1y, 2 * centerX - p0x, 2 * centerY - p0y, 2 * centerX - p1x, 2 * centerY - p1y]
    }

    /// The minimum-area rectangle of float32 points (flat `[x1, y1, …]`).
    init(points: [Float]) {
        // OpenCV 4.10 runs the calipers over the counter-clockwise hull, keeping the last of equal
        // areas (verified on 384 point sets, ties included, against cv2.minAreaRect).
        let hull = MinAreaRect.convexHull(points, clockwise: false)
        let n = hull.count / 2
        centerX = 0; centerY = 0; width = 0; height = 0; angle = 0
        if n > 2 {
            let out = MinAreaRect.calipers(hull)
            centerX = out[0] + (out[2] + out[4]) * 0.5
            centerY = out[1] + (out[3] + out[5]) * 0.5
            width = Float((Double(out[2]) * Double(out[2]) + Double(out[3]) * Double(out[3])).squareRoot())
            height = Float((Double(out[4]) * Double(out[4]) + Double(out[5]) * Double(out[5])).squareRoot())
            angle = Float(atan2(Double(out[3]), Double(out[2])))
        } else if n == 2 {
            centerX = (hull[0] + hull[2]) * 0.5
            centerY = (hull[1] + hull[3]) * 0.5
            let dx = Double(hull[2] - hull[0]), dy = Double(hull[3] - hull[1])
            width = Float((dx * dx + dy * dy).squareRoot())
            angle = Float(atan2(dy, dx))
        } else if n == 1 {
            centerX = hull[0]; centerY = hull[1]
        }
        angle = Float(Double(angle) * 180 / Double.pi)
        if n > 2 {
            // OpenCV ≥ 4.5.1 turns a negative angle by a quarter turn (swapping width and height);
            // upright boxes keep 0 or 90 as the calipers left them.
            if angle < 0 { angle += 90; swap(&width, &height) }
        }
    }

    /// `convexHull(points, clockwise)` for float32 points, OpenCV's Sklansky scan.
    static func convexHull(_ pts: [Float], clockwise: Bool) -> [Float] {
        let total = pts.count / 2
        guard total > 0 else { return [] }
        var order = Array(0..<total)
        order.sort { a, b in
            if pts[2 * a] != pts[2 * b] { return pts[2 * a] < pts[2 * b] }
            if pts[2 * a + 1] != pts[2 * b + 1] { return pts[2 * a + 1] < pts[2 * b + 1] }
            return a < b
        }
        var minY = 0, maxY = 0
        for i in 1..<total {
            let y = pts[2 * order[i] + 1]
            if pts[2 * order[minY] + 1] > y { minY = i }
            if pts[2 * order[maxY] + 1] < y { maxY = i }
        }
        func px(_ i: Int) -> Float { pts[2 * order[i]] }
        func py(_ i: Int) -> Float { pts[2 * order[i] + 1] }
        var hull: [Int] = []
        if px(0) == px(total - 1) && py(0) == py(total - 1) {
            hull.append(0)
        } else {
            var stack = [Int](repeating: 0, count: total + 2)
            // upper half: chains from the leftmost and the rightmost point to the top one
            let tl0 = sklansky(px, py, 0, maxY, &stack, 0, -1, 1)
            let tr0 = sklansky(px, py, total - 1, maxY, &stack, tl0, -1, -1)
            // clockwise keeps them; counter-clockwise swaps the two
            let (tlBase, tl, trBase, tr) = clockwise ? (0, tl0, tl0, tr0) : (tl0, tr0, 0, tl0)
            for i in 0..<max(tl - 1, 0) { hull.append(order[stack[tlBase + i]]) }
            if tr > 1 { for i in stride(from: tr - 1, to: 0, by: -1) { hull.append(order[stack[trBase + i]]) } }
            let stopIdx = tr > 2 ? stack[trBase + 1] : tl > 2 ? stack[tlBase + tl - 2] : -1
            // lower half
            let bl0 = sklansky(px, py, 0, minY, &stack, 0, 1, -1)
            let br0 = sklansky(px, py, total - 1, minY, &stack, bl0, 1, 1)
            // clockwise swaps the two lower chains
            var (blBase, bl, brBase, br) = clockwise ? (bl0, br0, 0, bl0) : (0, bl0, bl0, br0)
            if stopIdx >= 0 {
                let checkIdx = bl > 2 ? stack[blBase + 1] : (bl + br > 2 ? stack[brBase + 2 - bl] : -1)
                if checkIdx == stopIdx || (checkIdx >= 0 && px(checkIdx) == px(stopIdx) && py(checkIdx) == py(stopIdx)) {
                    bl = min(bl, 2); br = min(br, 2)
                }
            }
            _ = blBase; _ = brBase
            for i in 0..<max(bl - 1, 0) { hull.append(order[stack[blBase + i]]) }
            if br > 1 { for i in stride(from: br - 1, to: 0, by: -1) { hull.append(order[stack[brBase + i]]) } }
            hull = cyclicShift(hull)
        }
        var out: [Float] = []
        out.reserveCapacity(2 * hull.count)
        for i in hull { out.append(pts[2 * i]); out.append(pts[2 * i + 1]) }
        return out
    }

    /// OpenCV's last step: rotate the hull so its indices ascend or descend where they can.
    private static func cyclicShift(_ h: [Int]) -> [Int] {
        let nout = h.count
        guard nout >= 3 else { return h }
        var minIdx = 0, maxIdx = 0, lt = 0
        for i in 1..<nout {
            let idx = h[i]
            if h[i - 1] < idx { lt += 1 }
            if lt > 1 && lt <= i - 2 { break }
            if idx < h[minIdx] { minIdx = i }
            if idx > h[maxIdx] { maxIdx = i }
        }
        let mm = abs(maxIdx - minIdx)
        guard (mm == 1 || mm == nout - 1) && (lt <= 1 || lt >= nout - 2) else { return h }
        let ascending = (maxIdx + 1) % nout == minIdx
        let i0 = ascending ? minIdx : maxIdx
        guard i0 > 0 else { return h }
        var out: [Int] = []
        var j = i0
        for i in 0..<nout {
            let cur = h[j]
            out.append(cur)
            let nj = j + 1 < nout ? j + 1 : 0
            if i < nout - 1 && (ascending != (cur < h[nj])) { return h }
            j = nj
        }
        return out
    }

    private static func sign(_ v: Float) -> Int { v > 0 ? 1 : (v < 0 ? -1 : 0) }
    private static func sign(_ v: Double) -> Int { v > 0 ? 1 : (v < 0 ? -1 : 0) }

    /// One chain of Sklansky's scan over sorted points `start…end`; writes indices into
    /// `stack[base…]` and returns their count.
    private static func sklansky(_ px: (Int) -> Float, _ py: (Int) -> Float, _ start: Int, _ end0: Int,
                                 _ stack: inout [Int], _ base: Int, _ nsign: Int, _ sign2: Int) -> Int {
        let incr = end0 > start ? 1 : -1
        var pprev = start, pcur = pprev + incr, pnext = pcur + incr
        var size = 3
        if start == end0 || (px(start) == px(end0) && py(start) == py(end0)) {
            stack[base] = start
            return 1
        }
        stack[base] = pprev; stack[base + 1] = pcur; stack[base + 2] = pnext
        let end = end0 + incr
        while pnext != end {
            if px(pcur) == px(pnext) && py(pcur) == py(pnext) {
                pnext += incr
                stack[base + size - 1] = pnext
                continue
            }
            let cury = py(pcur), nexty = py(pnext)
            let by = nexty - cury
            if sign(by) != nsign {
                var ax = px(pcur) - px(pprev), ay = cury - py(pprev)
                var bx = px(pnext) - px(pcur), byy = by
                // OpenCV normalises float vectors (cv::normalize in float)
                let na = (Double(ax) * Double(ax) + Double(ay) * Double(ay)).squareRoot()
                let sa = na != 0 ? 1 / na : 0
                ax = Float(Double(ax) * sa); ay = Float(Double(ay) * sa)
                let nb = (Double(bx) * Double(bx) + Double(byy) * Double(byy)).squareRoot()
                let sb = nb != 0 ? 1 / nb : 0
                bx = Float(Double(bx) * sb); byy = Float(Double(byy) * sb)
                let convexity = Double(ay) * Double(bx) - Double(ax) * Double(byy)
                if sign(convexity) == sign2 && (ax != 0 || ay != 0) {
                    pprev = pcur; pcur = pnext; pnext += incr
                    stack[base + size] = pnext
                    size += 1
                } else if pprev == start {
                    pcur = pnext
                    stack[base + 1] = pcur
                    pnext += incr
                    stack[base + 2] = pnext
                } else {
                    stack[base + size - 2] = pnext
                    pcur = pprev
                    pprev = stack[base + size - 4]
                    size -= 1
                }
            } else {
                pnext += incr
                stack[base + size - 1] = pnext
            }
        }
        return size - 1
    }

    /// Rotating calipers (CALIPERS_MINAREARECT) in float32: corner, side vector 1, side vector 2.
    private static func calipers(_ p: [Float]) -> [Float] {
        let n = p.count / 2
        var vx = [Float](repeating: 0, count: n), vy = vx, inv = vx
        var left = 0, bottom = 0, right = 0, top = 0
        var leftX = p[0], rightX = p[0], topY = p[1], bottomY = p[1]
        var p0x = p[0], p0y = p[1]
        for i in 0..<n {
            if p0x < leftX { leftX = p0x; left = i }
            if p0x > rightX { rightX = p0x; right = i }
            if p0y > topY { topY = p0y; top = i }
            if p0y < bottomY { bottomY = p0y; bottom = i }
            let j = i + 1 < n ? i + 1 : 0
            let dx = Double(p[2 * j] - p0x), dy = Double(p[2 * j + 1] - p0y)   // float difference, as OpenCV
            vx[i] = Float(dx); vy[i] = Float(dy)
            inv[i] = Float(1.0 / (dx * dx + dy * dy).squareRoot())
            p0x = p[2 * j]; p0y = p[2 * j + 1]
        }
        var orientation: Float = 0
        do {
            var ax = Double(vx[n - 1]), ay = Double(vy[n - 1])
            for i in 0..<n {
                let bx = Double(vx[i]), by = Double(vy[i])
                let c = ax * by - ay * bx
                if c != 0 { orientation = c > 0 ? 1 : -1; break }
                ax = bx; ay = by
            }
        }
        var baseA = orientation, baseB: Float = 0
        var seq = [bottom, right, top, left]
        var minArea = Float.greatestFiniteMagnitude
        var bufLeft = 0, bufBottom = 0
        var bufA: Float = 0, bufB: Float = 0, bufW: Float = 0, bufH: Float = 0
        for _ in 0..<n {
            let dp0 = baseA * vx[seq[0]] + baseB * vy[seq[0]]
            let dp1 = -baseB * vx[seq[1]] + baseA * vy[seq[1]]
            let dp2 = -baseA * vx[seq[2]] - baseB * vy[seq[2]]
            let dp3 = baseB * vx[seq[3]] - baseA * vy[seq[3]]
            let dps = [dp0, dp1, dp2, dp3]
            var maxcos = dp0 * inv[seq[0]]
            var main = 0
            for i in 1..<4 {
                let c = dps[i] * inv[seq[i]]
                if c > maxcos { main = i; maxcos = c }
            }
            let pi = seq[main]
            let lx = vx[pi] * inv[pi], ly = vy[pi] * inv[pi]
            switch main {
            case 0: baseA = lx; baseB = ly
            case 1: baseA = ly; baseB = -lx
            case 2: baseA = -lx; baseB = -ly
            default: baseA = -ly; baseB = lx
            }
            seq[main] += 1
            if seq[main] == n { seq[main] = 0 }
            var dx = p[2 * seq[1]] - p[2 * seq[3]]
            var dy = p[2 * seq[1] + 1] - p[2 * seq[3] + 1]
            let width = dx * baseA + dy * baseB
            dx = p[2 * seq[2]] - p[2 * seq[0]]
            dy = p[2 * seq[2] + 1] - p[2 * seq[0] + 1]
            let height = -dx * baseB + dy * baseA
            let area = width * height
            if area <= minArea {
                minArea = area
                bufLeft = seq[3]; bufA = baseA; bufW = width; bufB = baseB; bufH = height; bufBottom = seq[0]
            }
        }
        let a1 = bufA, b1 = bufB, a2 = -bufB, b2 = bufA
        let c1 = a1 * p[2 * bufLeft] + p[2 * bufLeft + 1] * b1
        let c2 = a2 * p[2 * bufBottom] + p[2 * bufBottom + 1] * b2
        let idet = 1 / (a1 * b2 - a2 * b1)
        let px = (c1 * b2 - c2 * b1) * idet
        let py = (a1 * c2 - a2 * c1) * idet
        return [px, py, a1 * bufW, b1 * bufW, a2 * bufH, b2 * bufH]
    }
}
