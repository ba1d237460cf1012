/// Area and perimeter of a closed polygon as shapely computes them for MMOCR (`Polygon.area`
/// is the absolute shoelace sum, also for self-intersecting rings; `Polygon.length` is the
/// ring length).
enum PolygonMeasure {
    static func area(_ p: [Double]) -> Double {
        let n = p.count / 2
        guard n >= 3 else { return 0 }
        var s = 0.0
        for i in 0..<n {
            let j = (i + 1) % n
            s += p[2 * i] * p[2 * j + 1] - p[2 * j] * p[2 * i + 1]
        }
        return abs(s) / 2
    }

    static func length(_ p: [Double]) -> Double {
        let n = p.count / 2
        guard n >= 2 else { return 0 }
        var s = 0.0
        for i in 0..<n {
            let j = (i + 1) % n
            let dx = p[2 * j] - p[2 * i], dy = p[2 * j + 1] - p[2 * i + 1]
            s += (dx * dx + dy * dy).squareRoot()
        }
        return s
    }

    /// True when two non-adjacent edges of the ring cross or touch (a bow-tie, a loop).
    static func selfIntersects(_ p: [Double]) -> Bool {
        let n = p.count / 2
        guard n >= 4 else { return false }
        func orient(_ a: Int, _ b: Int, _ c: Int) -> Double {
            (p[2 * b] - p[2 * a]) * (p[2 * c + 1] - p[2 * a + 1]) - (p[2 * b + 1] - p[2 * a + 1]) * (p[2 * c] - p[2 * a])
        }
        func onSegment(_ a: Int, _ b: Int, _ c: Int) -> Bool {
            min(p[2 * a], p[2 * b]) <= p[2 * c] && p[2 * c] <= max(p[2 * a], p[2 * b]) &&
                min(p[2 * a + 1], p[2 * b + 1]) <= p[2 * c + 1] && p[2 * c + 1] <= max(p[2 * a + 1], p[2 * b + 1])
        }
        for i in 0..<n {
            let i2 = (i + 1) % n
            for j in stride(from: i + 2, to: n, by: 1) {
                let j2 = (j + 1) % n
                if j2 == i { continue }   // adjacent through the closing edge
                let d1 = orient(i, i2, j), d2 = orient(i, i2, j2), d3 = orient(j, j2, i), d4 = orient(j, j2, i2)
                if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) { return true }
                if d1 == 0 && onSegment(i, i2, j) { return true }
                if d2 == 0 && onSegment(i, i2, j2) { return true }
                if d3 == 0 && onSegment(j, j2, i) { return true }
                if d4 == 0 && onSegment(j, j2, i2) { return true }
            }
        }
        return false
    }
}
