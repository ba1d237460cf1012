import Foundation

/// Geometry on flat polygons `[x1, y1, x2, y2, …]`, computed as the reference computes it.
public enum Polygon {
    /// Area as Shapely/GEOS computes it (`Area::ofRing`: shoelace relative to the first x, on the
    /// closed ring, absolute value), so floats match the reference bit for bit. Not repaired for
    /// self-intersection. Fewer than 3 points give 0.
    public static func area(_ p: [Double]) -> Double { p.withUnsafeBufferPointer { area($0) } }

    /// `area` of a polygon held in a buffer (the writers' per-annotation path: no retain of the array).
    public static func area(_ p: UnsafeBufferPointer<Double>) -> Double {
        let n = p.count / 2
        guard n >= 3 else { return 0 }
        // Closed ring of n + 1 points; point i is (p[2i], p[2i+1]), point n == point 0.
        @inline(__always) func x(_ i: Int) -> Double { p[2 * (i % n)] }
        @inline(__always) func y(_ i: Int) -> Double { p[2 * (i % n) + 1] }
        let x0 = x(0)
        var sum = 0.0
        for i in 1..<n {  // i in 1 ..< ringSize-1 with ringSize = n + 1
            let xi = x(i) - x0
            sum += xi * (y(i - 1) - y(i + 1))
        }
        return abs(sum / 2.0)
    }

    /// Axis-aligned bounds `(minX, minY, maxX, maxY)`.
    public static func bounds(_ p: [Double]) -> (minX: Double, minY: Double, maxX: Double, maxY: Double) {
        p.withUnsafeBufferPointer { bounds($0) }
    }

    /// `bounds` of a polygon held in a buffer.
    public static func bounds(_ p: UnsafeBufferPointer<Double>) -> (minX: Double, minY: Double, maxX: Double, maxY: Double) {
        var minX = Double.infinity, minY = Double.infinity
        var maxX = -Double.infinity, maxY = -Double.infinity
        var i = 0
        while i + 1 < p.count {
            minX = min(minX, p[i]); maxX = max(maxX, p[i])
            minY = min(minY, p[i + 1]); maxY = max(maxY, p[i + 1])
            i += 2
        }
        if p.count < 2 { return (0, 0, 0, 0) }
        return (minX, minY, maxX, maxY)
    }

    /// COCO `[x, y, w, h]` of the bounds (Shapely `bounds` → width/height), as floats.
    public static func xywh(_ p: [Double]) -> [Double] {
        let b = bounds(p)
        return [b.minX, b.minY, b.maxX - b.minX, b.maxY - b.minY]
    }

    /// `[x1, y1, x2, y2]` of the bounds (MMOCR 1.x `bbox`).
    public static func xyxy(_ p: [Double]) -> [Double] {
        let b = bounds(p)
        return [b.minX, b.minY, b.maxX, b.maxY]
    }

    /// Each x clamped to `[0, width]` and y to `[0, height]` (the reference clips to w/h, not w-1).
    public static func clamped(_ p: [Double], width: Double, height: Double) -> [Double] {
        var out = p
        var i = 0
        while i + 1 < out.count {
            out[i] = min(max(out[i], 0), width)
            out[i + 1] = min(max(out[i + 1], 0), height)
            i += 2
        }
        return out
    }

    /// The rectangle `[x, y, x+w, y, x+w, y+h, x, y+h]` of an xywh box.
    public static func rectangle(x: Double, y: Double, w: Double, h: Double) -> [Double] {
        [x, y, x + w, y, x + w, y + h, x, y + h]
    }

    /// Why a polygon cannot be used, or nil: odd count, fewer than 3 points, non-finite values.
    public static func defect(_ p: [Double]) -> String? {
        if p.count % 2 != 0 { return "odd number of coordinates (\(p.count))" }
        if p.count < 6 { return "fewer than 3 points (\(p.count / 2))" }
        if p.contains(where: { !$0.isFinite }) { return "non-finite coordinate" }
        return nil
    }
}
