/// OpenCV's `arcLength` and `approxPolyDP` (Douglas–Peucker, closed curves) on integer points,
/// with OpenCV's start (the farthest-point search from point 0, three rounds) and its final pass
/// that drops nearly collinear points, so the simplified polygons are the same point for point.
enum PolygonApprox {
    /// Closed perimeter, each segment in float32 as OpenCV computes it, summed in double.
    static func arcLength(_ p: [Int32]) -> Double {
        let n = p.count / 2
        guard n > 1 else { return 0 }
        var sum = 0.0
        var px = Float(p[2 * (n - 1)]), py = Float(p[2 * (n - 1) + 1])
        for i in 0..<n {
            let x = Float(p[2 * i]), y = Float(p[2 * i + 1])
            let dx = x - px, dy = y - py
            sum += Double((dx * dx + dy * dy).squareRoot())
            px = x; py = y
        }
        return sum
    }

    /// `approxPolyDP(curve, epsilon, closed: true)` for an integer contour.
    static func approximate(_ src: [Int32], epsilon: Double) -> [Int32] {
        let count0 = src.count / 2
        guard count0 > 0 else { return [] }
        @inline(__always) func X(_ i: Int) -> Double { Double(src[2 * i]) }
        @inline(__always) func Y(_ i: Int) -> Double { Double(src[2 * i + 1]) }
        let eps = epsilon * epsilon
        var count = count0
        var dst: [Int] = []   // indices into src
        dst.reserveCapacity(count0)
        var stack: [(Int, Int)] = []
        var pos = 0
        var rightStart = 0
        var startIdx = 0
        var leEps = false
        // 1. approximately the two farthest points
        for _ in 0..<3 {
            var maxDist = 0.0
            pos = (pos + rightStart) % count
            startIdx = pos
            pos += 1; if pos >= count { pos = 0 }
            for j in 1..<max(count, 1) {
                let dx = X(pos) - X(startIdx), dy = Y(pos) - Y(startIdx)
                pos += 1; if pos >= count { pos = 0 }
                let d = dx * dx + dy * dy
                if d > maxDist { maxDist = d; rightStart = j }
            }
            leEps = maxDist <= eps
        }
        // 2. the stack
        if !leEps {
            let sliceStart = pos % count
            let sliceEnd = (rightStart + sliceStart) % count
            stack.append((sliceEnd, sliceStart))   // right slice: start = sliceEnd, end = sliceStart
            stack.append((sliceStart, sliceEnd))
        } else {
            dst.append(startIdx)
        }
        // 3. the recursion
        while let (sStart, sEnd) = stack.popLast() {
            var p = sStart
            let st = p
            p += 1; if p >= count { p = 0 }
            var le = true
            var rs = 0
            if p != sEnd {
                let dx = X(sEnd) - X(st), dy = Y(sEnd) - Y(st)
                var maxDist = 0.0
                while p != sEnd {
                    let q = p
                    p += 1; if p >= count { p = 0 }
                    let d = abs((Y(q) - Y(st)) * dx - (X(q) - X(st)) * dy)
                    if d > maxDist { maxDist = d; rs = (p + count - 1) % count }
                }
                le = maxDist * maxDist <= eps * (dx * dx + dy * dy)
            }
            if le {
                dst.append(st)
            } else {
                stack.append((rs, sEnd))
                stack.append((sStart, rs))
            }
        }
        // 4. clean-up of nearly collinear points
        count = dst.count
        var newCount = count
        var out = dst
        var rpos = count - 1
        func read() -> Int { let v = out[rpos]; rpos += 1; if rpos >= count { rpos = 0 }; return v }
        var startPt = read()
        var wpos = rpos
        var pt = read()
        var i = 0
        while i < count && newCount > 2 {
            let endPt = read()
            let dx = X(endPt) - X(startPt), dy = Y(endPt) - Y(startPt)
            let dist = abs((X(pt) - X(startPt)) * dy - (Y(pt) - Y(startPt)) * dx)
            let inner = (X(pt) - X(startPt)) * (X(endPt) - X(pt)) + (Y(pt) - Y(startPt)) * (Y(endPt) - Y(pt))
            if dist * dist <= 0.5 * eps * (dx * dx + dy * dy) && dx != 0 && dy != 0 && inner >= 0 {
                newCount -= 1
                out[wpos] = endPt; startPt = endPt
                wpos += 1; if wpos >= count { wpos = 0 }
                pt = read()
                i += 2
                continue
            }
            out[wpos] = pt; startPt = pt
            wpos += 1; if wpos >= count { wpos = 0 }
            pt = endPt
            i += 1
        }
        var result: [Int32] = []
        result.reserveCapacity(2 * newCount)
        for k in 0..<newCount { result.append(src[2 * out[k]]); result.append(src[2 * out[k] + 1]) }
        return result
    }
}
