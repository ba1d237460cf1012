import CClipper

/// Vatti polygon offsetting through Clipper 6.4 (the library pyclipper wraps), as MMOCR's
/// `offset_polygon`: `JT_ROUND`, `ET_CLOSEDPOLYGON`, miter limit 2, arc tolerance 0.25.
/// Coordinates are truncated toward zero to integers first, as pyclipper does with floats.
enum PolygonOffset {
    /// All result paths of offsetting one closed polygon (flat `[x1, y1, …]`) by `delta`
    /// (positive grows). Empty when Clipper returns nothing or fails.
    static func paths(_ polygon: [Double], delta: Double) -> [[Int64]] {
        let n = polygon.count / 2
        guard n > 0, delta.isFinite else { return [] }
        var xy = [Int64](repeating: 0, count: 2 * n)
        for i in 0..<(2 * n) {
            let v = polygon[i]
            guard v.isFinite, abs(v) < 4e15 else { return [] }
            xy[i] = Int64(v)   // truncation toward zero, as pyclipper's int conversion
        }
        var out = prep_clipper_paths(xy: nil, counts: nil, paths: 0)
        let rc = xy.withUnsafeBufferPointer { prep_clipper_offset($0.baseAddress, Int32(n), delta, 2.0, 0.25, &out) }
        defer { prep_clipper_free(&out) }
        guard rc == 0, out.paths > 0, let pts = out.xy, let counts = out.counts else { return [] }
        var result: [[Int64]] = []
        var k = 0
        for p in 0..<Int(out.paths) {
            let c = Int(counts[p])
            result.append(Array(UnsafeBufferPointer(start: pts + k, count: 2 * c)))
            k += 2 * c
        }
        return result
    }

    /// MMOCR 1.x `offset_polygon`: the offset polygon, or nil when the result is empty or split
    /// into parts of different sizes. MMOCR turns the paths into one numpy array: parts of equal
    /// length stack into a regular array and its first part is used, so that quirk is kept.
    static func mmocr(_ polygon: [Double], delta: Double) -> [Int64]? {
        let all = paths(polygon, delta: delta)
        guard let first = all.first else { return nil }
        if all.count > 1 && all.contains(where: { $0.count != first.count }) { return nil }
        return first
    }
}
