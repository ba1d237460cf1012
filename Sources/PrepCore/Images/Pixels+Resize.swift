import Foundation

extension Pixels {
    /// OpenCV's `cv2.resize(img, (width, height))` for 8-bit images (default `INTER_LINEAR`), as
    /// MMOCR's SVT converter calls it with `--resize`: half-pixel centres, 11-bit fixed-point
    /// weights (computed in float as OpenCV does), edge pixels repeated; an exact 2× reduction in
    /// both directions is OpenCV's fast area average. The vertical pass rounds as OpenCV's SIMD
    /// path does (`((S0 >> 4) · β0 >> 16 + (S1 >> 4) · β1 >> 16 + 2) >> 2`). Pixel for pixel
    /// equal to OpenCV 4.10 on the fixtures (`ResizeTests`).
    public func resized(width dw: Int, height dh: Int) -> Pixels {
        precondition(dw > 0 && dh > 0 && width > 0 && height > 0)
        if dw == width && dh == height { return self }
        let cn = channels
        if width == 2 * dw && height == 2 * dh { return halved() }
        let one = 2048
        // Per destination column / row: the source index and the two weights (OpenCV's computeResizeAreaTab
        // counterpart for INTER_LINEAR: `fx = (float)((dx + 0.5) * scale - 0.5)`).
        // Columns clamp at the edges (one tap beyond them); rows do not: OpenCV keeps the fraction
        // there and blends the clamped row with itself, which rounds differently.
        func taps(_ dsize: Int, _ ssize: Int, clampEdges: Bool) -> (index: [Int], w0: [Int], w1: [Int], limit: Int) {
            let scale = 1 / (Double(dsize) / Double(ssize))  // OpenCV inverts its inv_scale
            var index = [Int](repeating: 0, count: dsize), w0 = index, w1 = index
            var limit = dsize  // destination positions from here on take one tap (the last source pixel)
            for d in 0..<dsize {
                var f = Float((Double(d) + 0.5) * scale - 0.5)
                var s = Int(f.rounded(.down))
                f -= Float(s)
                if clampEdges && s < 0 { f = 0; s = 0 }
                if clampEdges && s + 1 >= ssize {
                    limit = min(limit, d)
                    if s >= ssize - 1 { f = 0; s = ssize - 1 }
                }
                index[d] = s
                w0[d] = saturateShort((1 - f) * Float(one))
                w1[d] = saturateShort(f * Float(one))
            }
            return (index, w0, w1, limit)
        }
        let xt = taps(dw, width, clampEdges: true), yt = taps(dh, height, clampEdges: false)
        // Horizontal pass of one source row into `one`-scaled integers.
        func hrow(_ sy: Int) -> [Int] {
            var out = [Int](repeating: 0, count: dw * cn)
            let base = sy * width * cn
            for dx in 0..<dw {
                let sx = xt.index[dx]
                for k in 0..<cn {
                    let p0 = Int(data[base + sx * cn + k])
                    if dx < xt.limit {
                        let p1 = Int(data[base + min(sx + 1, width - 1) * cn + k])
                        out[dx * cn + k] = p0 * xt.w0[dx] + p1 * xt.w1[dx]
                    } else {
                        out[dx * cn + k] = p0 * one
                    }
                }
            }
            return out
        }
        var out = [UInt8](repeating: 0, count: dw * dh * cn)
        var cache: [Int: [Int]] = [:]
        for dy in 0..<dh {
            let y0 = min(max(yt.index[dy], 0), height - 1), y1 = min(max(yt.index[dy] + 1, 0), height - 1)
            let r0 = cache[y0] ?? hrow(y0)
            let r1 = cache[y1] ?? hrow(y1)
            cache = [y0: r0]
            cache[y1] = r1
            let b0 = yt.w0[dy], b1 = yt.w1[dy]
            for i in 0..<(dw * cn) {
                let v = ((((r0[i] >> 4) * b0) >> 16) + (((r1[i] >> 4) * b1) >> 16) + 2) >> 2
                out[dy * dw * cn + i] = UInt8(clamping: v)
            }
        }
        return Pixels(width: dw, height: dh, channels: cn, order: order, data: out)
    }

    /// OpenCV's fast `INTER_AREA` for an exact 2× reduction: each 2×2 block's rounded mean.
    func halved() -> Pixels {
        let dw = width / 2, dh = height / 2, cn = channels
        var out = [UInt8](repeating: 0, count: dw * dh * cn)
        for y in 0..<dh {
            for x in 0..<dw {
                for k in 0..<cn {
                    let a = (2 * y * width + 2 * x) * cn + k, b = ((2 * y + 1) * width + 2 * x) * cn + k
                    let s = Int(data[a]) + Int(data[a + cn]) + Int(data[b]) + Int(data[b + cn])
                    out[(y * dw + x) * cn + k] = UInt8((s + 2) >> 2)
                }
            }
        }
        return Pixels(width: dw, height: dh, channels: cn, order: order, data: out)
    }
}

/// `saturate_cast<short>(float)`: round half to even, then clamp.
private func saturateShort(_ value: Float) -> Int {
    Int(max(-32768, min(32767, value.rounded(.toNearestOrEven))))
}
