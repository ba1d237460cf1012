/// The window geometry of a convolution (kernel, stride, padding, dilation) and its two data
/// movements, shared by `Conv2d` and `ConvTranspose2d` (whose forward is a convolution's
/// backward and vice versa).
///
/// Columns: row (c, i, j) of a (C·kh·kw, ·) matrix holds, at column oy·wo + ox, the input value
/// under kernel tap (i, j) of output cell (oy, ox), zero where the tap falls in the padding.
struct ConvGeometry {
    let kernel: (h: Int, w: Int), stride: (h: Int, w: Int)
    let padding: (h: Int, w: Int), dilation: (h: Int, w: Int)

    /// Writes the columns of channels `channels` of one image (planes of h×w at `image`) for an
    /// output of ho×wo, or only its output rows `rows` (a band: column (oy − rows.start)·wo + ox).
    /// Row r starts at `columns + r·ld`.
    func im2col(_ image: UnsafePointer<Float>, channels: Range<Int>, h: Int, w: Int, ho: Int, wo: Int,
                rows: Range<Int>? = nil, into columns: UnsafeMutablePointer<Float>, ld: Int) {
        let rows = rows ?? 0..<ho
        let (kh, kw, sh, sw) = (kernel.h, kernel.w, stride.h, stride.w)
        let (ph, pw, dh, dw) = (padding.h, padding.w, dilation.h, dilation.w)
        for c in channels {
            let plane = image + c * h * w
            for i in 0..<kh {
                for j in 0..<kw {
                    let row = columns + ((c * kh + i) * kw + j) * ld - rows.lowerBound * wo
                    let x0 = j * dw - pw
                    for oy in rows {
                        let iy = oy * sh - ph + i * dh
                        let dst = row + oy * wo
                        if iy < 0 || iy >= h {
                            dst.update(repeating: 0, count: wo)
                            continue
                        }
                        let srow = plane + iy * w
                        if sw == 1 && x0 >= 0 && x0 + wo <= w {
                            dst.update(from: srow + x0, count: wo)
                        } else {
                            for ox in 0..<wo {
                                let ix = ox * sw + x0
                                dst[ox] = (ix >= 0 && ix < w) ? srow[ix] : 0
                            }
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of `im2col`: sums column values back into the planes of channels `channels`,
    /// overwriting them first — or, for a band of output rows `rows`, adding to them (the caller
    /// zeroes the planes before the first band).
    func col2im(_ columns: UnsafePointer<Float>, ld: Int, channels: Range<Int>, h: Int, w: Int, ho: Int, wo: Int,
                rows: Range<Int>? = nil, into image: UnsafeMutablePointer<Float>) {
        let band = rows
        let rows = rows ?? 0..<ho
        let (kh, kw, sh, sw) = (kernel.h, kernel.w, stride.h, stride.w)
        let (ph, pw, dh, dw) = (padding.h, padding.w, dilation.h, dilation.w)
        for c in channels {
            let plane = image + c * h * w
            if band == nil { plane.update(repeating: 0, count: h * w) }
            for i in 0..<kh {
                for j in 0..<kw {
                    let row = columns + ((c * kh + i) * kw + j) * ld - rows.lowerBound * wo
                    let x0 = j * dw - pw
                    for oy in rows {
                        let iy = oy * sh - ph + i * dh
                        if iy < 0 || iy >= h { continue }
                        let drow = plane + iy * w, srow = row + oy * wo
                        if sw == 1 && x0 >= 0 && x0 + wo <= w {
                            let d = drow + x0
                            for ox in 0..<wo { d[ox] += srow[ox] }
                        } else if sw == 2 && dw == 1 && kw == 2 && pw == 0 && 2 * wo <= w {
                            // ConvTranspose 2×2 stride 2 (DBNet's head): every other cell, no bounds checks
                            let d = drow + j
                            for ox in 0..<wo { d[2 * ox] += srow[ox] }
                        } else {
                            for ox in 0..<wo {
                                let ix = ox * sw + x0
                                if ix >= 0 && ix < w { drow[ix] += srow[ox] }
                            }
                        }
                    }
                }
            }
        }
    }
}
