/// An EXIF Orientation (1–8) as a pixel permutation between the stored grid and the displayed
/// image, exactly as OpenCV's `imread` applies it (transpose and flips, no resampling), so
/// rotated pixels equal the reference's. Regions map rectangle to rectangle, which lets a crop
/// on the displayed image be decoded from only the stored rows and columns it needs.
public struct ExifOrientation: Sendable, Equatable {
    public let value: Int

    /// Values outside 1–8 count as 1 (no change), as OpenCV treats them.
    public init(_ value: Int) { self.value = (1...8).contains(value) ? value : 1 }

    /// Orientations 5–8 swap width and height.
    public var swapsAxes: Bool { value >= 5 }

    /// The displayed size of a stored `width × height` image.
    public func displayedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        swapsAxes ? (height, width) : (width, height)
    }

    /// The stored pixel shown at displayed `(x, y)`, for a stored `width × height` image.
    /// OpenCV: 2 flip x; 3 flip both; 4 flip y; 5 transpose; 6 transpose + flip x;
    /// 7 transpose + flip both; 8 transpose + flip y.
    public func storedPoint(x: Int, y: Int, width w: Int, height h: Int) -> (x: Int, y: Int) {
        switch value {
        case 2: return (w - 1 - x, y)
        case 3: return (w - 1 - x, h - 1 - y)
        case 4: return (x, h - 1 - y)
        case 5: return (y, x)
        case 6: return (y, h - 1 - x)
        case 7: return (w - 1 - y, h - 1 - x)
        case 8: return (w - 1 - y, x)
        default: return (x, y)
        }
    }

    /// The stored rectangle holding the displayed rectangle `[x0, x1) × [y0, y1)` (non-empty).
    public func storedRect(x0: Int, y0: Int, x1: Int, y1: Int, width w: Int, height h: Int)
        -> (x0: Int, y0: Int, x1: Int, y1: Int) {
        let a = storedPoint(x: x0, y: y0, width: w, height: h)
        let b = storedPoint(x: x1 - 1, y: y1 - 1, width: w, height: h)
        return (min(a.x, b.x), min(a.y, b.y), max(a.x, b.x) + 1, max(a.y, b.y) + 1)
    }
}

extension Pixels {
    /// The displayed image of these stored pixels under `orientation` (a copy; 1 returns self).
    /// Also right for a stored sub-rectangle: the permutation maps rectangles to rectangles.
    public func oriented(_ orientation: ExifOrientation) -> Pixels {
        if orientation.value == 1 { return self }
        let (dw, dh) = orientation.displayedSize(width: width, height: height)
        var out = [UInt8](repeating: 0, count: data.count)
        let c = channels, w = width, h = height
        data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                var o = 0
                for y in 0..<dh {
                    for x in 0..<dw {
                        let s = orientation.storedPoint(x: x, y: y, width: w, height: h)
                        let si = (s.y * w + s.x) * c
                        for k in 0..<c { dst[o + k] = src[si + k] }
                        o += c
                    }
                }
            }
        }
        return Pixels(width: dw, height: dh, channels: c, order: order, data: out)
    }

    /// Rotated 90° counter-clockwise (numpy's `rot90`, what PaddleOCR applies to tall crops).
    public func rotatedCounterClockwise() -> Pixels {
        // Displayed (x, y) shows stored (w - 1 - y, x): orientation 8's permutation.
        oriented(ExifOrientation(8))
    }
}
