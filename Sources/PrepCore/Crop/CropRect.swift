/// An axis-aligned pixel rectangle `[x0, x1) × [y0, y1)` (right and bottom exclusive, as a numpy
/// slice), and the ways the reference converters compute one from an annotation.
public struct CropRect: Sendable, Equatable, CustomStringConvertible {
    public var x0: Int, y0: Int, x1: Int, y1: Int

    public init(x0: Int, y0: Int, x1: Int, y1: Int) {
        self.x0 = x0; self.y0 = y0; self.x1 = x1; self.y1 = y1
    }

    public var width: Int { max(0, x1 - x0) }
    public var height: Int { max(0, y1 - y0) }
    /// What numpy returns for a slice with an empty side (the reference then skips the crop).
    public var isEmpty: Bool { width == 0 || height == 0 }
    public var description: String { "[\(x0),\(x1))x[\(y0),\(y1))" }

    /// The smallest rectangle holding both (empty rectangles are ignored).
    public func union(_ o: CropRect) -> CropRect {
        if o.isEmpty { return self }
        if isEmpty { return o }
        return CropRect(x0: min(x0, o.x0), y0: min(y0, o.y0), x1: max(x1, o.x1), y1: max(y1, o.y1))
    }

    /// Widened by `margin` on every side, kept inside `width × height`.
    public func expanded(by margin: Int, width: Int, height: Int) -> CropRect {
        CropRect(x0: max(0, x0 - margin), y0: max(0, y0 - margin), x1: min(width, x1 + margin), y1: min(height, y1 + margin))
    }

    /// MMOCR's `crop_img(src_img, box, long_edge_pad_ratio, short_edge_pad_ratio)` (§1.4): the
    /// coordinates clipped to `[0, w]` / `[0, h]`, padded by ratio × the shorter side (the long
    /// ratio along the longer side; squares count as vertical), each edge truncated toward zero
    /// with `int()` and clipped again. Only the min/max of the points matter, so any polygon
    /// (not only 8 values) gives its padded axis-aligned box. May be empty.
    public static func cropImg(_ polygon: [Double], width w: Int, height h: Int,
                               longPad: Double = 0.4, shortPad: Double = 0.2) -> CropRect {
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        var i = 0
        while i + 1 < polygon.count {
            let x = min(max(polygon[i], 0), Double(w)), y = min(max(polygon[i + 1], 0), Double(h))
            minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            i += 2
        }
        guard minX.isFinite, minY.isFinite else { return CropRect(x0: 0, y0: 0, x1: 0, y1: 0) }
        let boxWidth = maxX - minX, boxHeight = maxY - minY
        let fontSize = min(boxHeight, boxWidth)
        let hpad, vpad: Double
        if boxHeight < boxWidth { hpad = longPad * fontSize; vpad = shortPad * fontSize }
        else { hpad = shortPad * fontSize; vpad = longPad * fontSize }
        // int() truncates toward 0; compared as doubles first, so no value can trap `Int(_:)`.
        func clip(_ v: Double, _ hi: Int) -> Int { v.isNaN || v <= 0 ? 0 : v >= Double(hi) ? hi : Int(v) }
        return CropRect(x0: clip(minX - hpad, w), y0: clip(minY - vpad, h), x1: clip(maxX + hpad, w), y1: clip(maxY + vpad, h))
    }

    /// The direct slice COCO-Text, TextOCR and HierText take of an xywh box (§1.6):
    /// `x = max(0, floor x)`, `y = max(0, floor y)`, then `[y : y + ceil h, x : x + ceil w]`,
    /// numpy-clipped to the image.
    public static func xywhSlice(x: Double, y: Double, w bw: Double, h bh: Double, width: Int, height: Int) -> CropRect {
        // Held within ±1e15 first (the slice is clipped to the image, so a larger magnitude gives
        // the same rectangle) so that no input value can trap `Int(_:)`; NaN is 0.
        func bounded(_ v: Double) -> Double { v.isNaN ? 0 : min(max(v, -1e15), 1e15) }
        let fx = max(0, Int(bounded(x).rounded(.down))), fy = max(0, Int(bounded(y).rounded(.down)))
        let cw = Int(bounded(bw).rounded(.up)), ch = Int(bounded(bh).rounded(.up))
        return numpySlice(y0: fy, y1: fy + ch, x0: fx, x1: fx + cw, width: width, height: height)
    }

    /// The direct slice LSVT takes: the points clamped at 0, `[min y : max y, min x : max x]`
    /// (clamping to the image size too changes nothing: numpy clips slice ends).
    public static func boundsSlice(_ polygon: [Double], width: Int, height: Int) -> CropRect {
        let b = Polygon.bounds(Polygon.clamped(polygon, width: Double(width), height: Double(height)))
        return numpySlice(y0: Int(b.minY), y1: Int(b.maxY), x0: Int(b.minX), x1: Int(b.maxX), width: width, height: height)
    }

    /// A numpy slice `[y0:y1, x0:x1]` of a `width × height` array (negative ends count from the end).
    static func numpySlice(y0: Int, y1: Int, x0: Int, x1: Int, width: Int, height: Int) -> CropRect {
        func norm(_ v: Int, _ n: Int) -> Int { v < 0 ? max(0, v + n) : min(v, n) }
        let a = norm(x0, width), b = norm(x1, width), c = norm(y0, height), d = norm(y1, height)
        return CropRect(x0: a, y0: c, x1: max(a, b), y1: max(c, d))
    }
}
