/// OpenCV 4.10's `fillPoly` (8-connected, shift 0) for one integer polygon, as pixel spans: the
/// edges are drawn as Bresenham lines (`LineIterator`, left to right, clipped by `clipLine`), then
/// the inside is filled scanline by scanline with 16.16 fixed-point edge crossings, even-odd.
/// Tested pixel for pixel against cv2.fillPoly (fixtures/dbpost/raster.json).
enum PolygonRaster {
    /// Calls `span(y, x0, x1)` for every run of pixels (x0...x1 inclusive, inside the image) the
    /// polygon covers; runs may overlap (the outline and the fill are drawn separately).
    static func spans(_ input: [Int64], width: Int, height: Int, _ span: (Int, Int, Int) -> Void) {
        let n = input.count / 2
        guard n > 0, width > 0, height > 0 else { return }
        // Coordinates beyond ±2^20 px (absurd input) are clamped so the 16.16 arithmetic cannot
        // overflow; real polygons never come near.
        let limit: Int64 = 1 << 20
        let pts = input.contains(where: { abs($0) > limit }) ? input.map { min(max($0, -limit), limit) } : input
        // 1. the outline
        var px = pts[2 * (n - 1)], py = pts[2 * (n - 1) + 1]
        for i in 0..<n {
            let x = pts[2 * i], y = pts[2 * i + 1]
            line(px, py, x, y, width: width, height: height, span)
            px = x; py = y
        }
        // 2. the inside. OpenCV 4.10 (verified on 300 random polygons, half of them crossing the
        // border): an edge inside the image starts half a pixel right (x + 0.5 in 16.16); an edge
        // crossing the border is rebuilt from its clipped integer end points (no half pixel),
        // unless clipping leaves it horizontal (then its own end points, no half pixel).
        struct Edge { var y0: Int64; var y1: Int64; var x: Int64; var dx: Int64 }
        var edges: [Edge] = []
        edges.reserveCapacity(n)
        let w64 = Int64(width), h64 = Int64(height)
        px = pts[2 * (n - 1)]; py = pts[2 * (n - 1) + 1]
        for i in 0..<n {
            let x = pts[2 * i], y = pts[2 * i + 1]
            defer { px = x; py = y }
            var p0x = (px << 16) + 32768, p0y = py, p1x = (x << 16) + 32768, p1y = y
            if px < 0 || px >= w64 || x < 0 || x >= w64 || py < 0 || py >= h64 || y < 0 || y >= h64 {
                var a = px, b = py, c = x, d = y
                _ = clip(w64, h64, &a, &b, &c, &d)
                if b != d { p0y = b; p1y = d; p0x = a << 16; p1x = c << 16 } else { p0x = px << 16; p1x = x << 16 }
            }
            if py == y { continue }
            let dx = (p1x - p0x) / (p1y - p0y)
            edges.append(py < y ? Edge(y0: py, y1: y, x: p0x + (py - p0y) * dx, dx: dx)
                                : Edge(y0: y, y1: py, x: p1x + (y - p1y) * dx, dx: dx))
        }
        guard edges.count >= 2 else { return }
        var yMin = Int64.max, yMax = Int64.min, xMin = Int64.max, xMax = Int64.min
        for e in edges {
            let xe = e.x + (e.y1 - e.y0) * e.dx
            yMin = min(yMin, e.y0); yMax = max(yMax, e.y1)
            xMin = min(xMin, e.x, xe); xMax = max(xMax, e.x, xe)
        }
        if yMax < 0 || yMin >= Int64(height) || xMax < 0 || xMin >= Int64(width) << 16 { return }
        edges.sort { $0.y0 < $1.y0 }
        let yEnd = min(yMax, Int64(height))
        var active: [Int] = []
        var xs: [Int64] = []
        var next = 0
        var y = edges[0].y0
        while y < yEnd {
            active.removeAll(where: { edges[$0].y1 <= y })
            while next < edges.count && edges[next].y0 == y { active.append(next); next += 1 }
            if y >= 0 && !active.isEmpty {
                xs.removeAll(keepingCapacity: true)
                for a in active { xs.append(edges[a].x + (y - edges[a].y0) * edges[a].dx) }
                xs.sort()
                var k = 0
                while k + 1 < xs.count {
                    var x1 = Int(xs[k] >> 16), x2 = Int(xs[k + 1] >> 16)
                    if x1 < width && x2 >= 0 {
                        x1 = max(x1, 0); x2 = min(x2, width - 1)
                        if x1 <= x2 { span(Int(y), x1, x2) }
                    }
                    k += 2
                }
            }
            if active.isEmpty && next < edges.count { y = max(y + 1, edges[next].y0) } else { y += 1 }
        }
    }

    /// Fills the polygon into a row-major map with `value`.
    static func fill(_ map: inout [Float], width: Int, height: Int, polygon: [Int64], value: Float) {
        map.withUnsafeMutableBufferPointer { buf in
            spans(polygon, width: width, height: height) { y, x0, x1 in
                for x in x0...x1 { buf[y * width + x] = value }
            }
        }
    }

    /// `LineIterator` (8-connected, left to right) from (x0, y0) to (x1, y1), clipped to the image.
    private static func line(_ ax: Int64, _ ay: Int64, _ bx: Int64, _ by: Int64, width: Int, height: Int,
                             _ span: (Int, Int, Int) -> Void) {
        var x0 = ax, y0 = ay, x1 = bx, y1 = by
        let w = Int64(width), h = Int64(height)
        if x0 < 0 || x0 >= w || x1 < 0 || x1 >= w || y0 < 0 || y0 >= h || y1 < 0 || y1 >= h {
            if !clip(w, h, &x0, &y0, &x1, &y1) { return }
        }
        if x1 < x0 { swap(&x0, &x1); swap(&y0, &y1) }
        var dx = x1 - x0, dy = y1 - y0
        var sy: Int64 = 1
        if dy < 0 { dy = -dy; sy = -1 }
        let vertical = dy > dx
        if vertical { swap(&dx, &dy) }
        var err = dx - 2 * dy
        let plus = 2 * dx, minus = -2 * dy
        var x = x0, y = y0
        for _ in 0...Int(dx) {
            span(Int(y), Int(x), Int(x))
            let step = err < 0
            err += minus + (step ? plus : 0)
            if vertical { y += sy; if step { x += 1 } } else { x += 1; if step { y += sy } }
        }
    }

    /// OpenCV's `clipLine(Size2l, …)`: Cohen–Sutherland with integer (truncating) intersections.
    private static func clip(_ w: Int64, _ h: Int64, _ x1: inout Int64, _ y1: inout Int64,
                             _ x2: inout Int64, _ y2: inout Int64) -> Bool {
        let right = w - 1, bottom = h - 1
        func code(_ x: Int64, _ y: Int64) -> Int {
            (x < 0 ? 1 : 0) + (x > right ? 2 : 0) + (y < 0 ? 4 : 0) + (y > bottom ? 8 : 0)
        }
        var c1 = code(x1, y1), c2 = code(x2, y2)
        if (c1 & c2) == 0 && (c1 | c2) != 0 {
            if c1 & 12 != 0 {
                let a: Int64 = c1 < 8 ? 0 : bottom
                x1 += (a - y1) * (x2 - x1) / (y2 - y1); y1 = a
                c1 = (x1 < 0 ? 1 : 0) + (x1 > right ? 2 : 0)
            }
            if c2 & 12 != 0 {
                let a: Int64 = c2 < 8 ? 0 : bottom
                x2 += (a - y2) * (x2 - x1) / (y2 - y1); y2 = a
                c2 = (x2 < 0 ? 1 : 0) + (x2 > right ? 2 : 0)
            }
            if (c1 & c2) == 0 && (c1 | c2) != 0 {
                if c1 != 0 {
                    let a: Int64 = c1 == 1 ? 0 : right
                    y1 += (a - x1) * (y2 - y1) / (x2 - x1); x1 = a; c1 = 0
                }
                if c2 != 0 {
                    let a: Int64 = c2 == 1 ? 0 : right
                    y2 += (a - x2) * (y2 - y1) / (x2 - x1); x2 = a; c2 = 0
                }
            }
        }
        return (c1 | c2) == 0
    }
}
