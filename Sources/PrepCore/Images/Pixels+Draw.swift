/// Drawing for `prep show`: scaled thumbnails and polygon outlines, on BGR pixels.
extension Pixels {
    /// Colour (BGR) copy of gray pixels; colour pixels unchanged.
    public func bgr() -> Pixels {
        guard channels == 1 else { return self }
        var out = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) { out[3 * i] = data[i]; out[3 * i + 1] = data[i]; out[3 * i + 2] = data[i] }
        return Pixels(width: width, height: height, channels: 3, order: .bgr, data: out)
    }

    /// Shrunk so the longer side is at most `maxSide` (box filter: each output pixel averages
    /// the input pixels it covers); unchanged when already small enough.
    public func downscaled(maxSide: Int) -> Pixels {
        let side = Swift.max(width, height)
        guard side > maxSide, maxSide > 0 else { return self }
        let w = Swift.max(1, width * maxSide / side), h = Swift.max(1, height * maxSide / side)
        var out = [UInt8](repeating: 0, count: w * h * channels)
        for y in 0..<h {
            let y0 = y * height / h, y1 = Swift.max(y0 + 1, (y + 1) * height / h)
            for x in 0..<w {
                let x0 = x * width / w, x1 = Swift.max(x0 + 1, (x + 1) * width / w)
                for c in 0..<channels {
                    var sum = 0
                    for yy in y0..<y1 { for xx in x0..<x1 { sum += Int(data[(yy * width + xx) * channels + c]) } }
                    out[(y * w + x) * channels + c] = UInt8(sum / ((y1 - y0) * (x1 - x0)))
                }
            }
        }
        return Pixels(width: w, height: h, channels: channels, order: order, data: out)
    }

    /// Draws the closed outline of flat polygon `p` (already in this image's pixel scale) in
    /// BGR `color`, `thickness` pixels wide; `dashed` leaves gaps (ignored instances). Points
    /// outside the image are clipped pixel by pixel.
    public mutating func drawPolygon(_ p: [Double], color: (UInt8, UInt8, UInt8), thickness: Int = 2, dashed: Bool = false) {
        let n = p.count / 2
        guard n >= 2, channels == 3 else { return }
        var step = 0
        for i in 0..<n {
            let (x0, y0) = (p[2 * i], p[2 * i + 1])
            let (x1, y1) = (p[2 * ((i + 1) % n)], p[2 * ((i + 1) % n) + 1])
            guard x0.isFinite, y0.isFinite, x1.isFinite, y1.isFinite else { continue }
            let length = Swift.max(abs(x1 - x0), abs(y1 - y0))
            let count = Swift.max(1, Int(length.rounded(.up)))
            for k in 0...count {
                step += 1
                if dashed && (step / 6) % 2 == 1 { continue }
                let t = Double(k) / Double(count)
                let cx = Int((x0 + (x1 - x0) * t).rounded(.down)), cy = Int((y0 + (y1 - y0) * t).rounded(.down))
                let r0 = -(thickness - 1) / 2
                for dy in r0..<(r0 + thickness) {
                    for dx in r0..<(r0 + thickness) {
                        let x = cx + dx, y = cy + dy
                        guard x >= 0, y >= 0, x < width, y < height else { continue }
                        let o = (y * width + x) * 3
                        data[o] = color.0; data[o + 1] = color.1; data[o + 2] = color.2
                    }
                }
            }
        }
    }
}
