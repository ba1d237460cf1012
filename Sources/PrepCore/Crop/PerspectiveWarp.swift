import Foundation

/// MMOCR's `warp_img` (§1.5) reproduced to the pixel: clip the 4 vertices to the image, order
/// them (`sort_vertex`, float32 as numpy does), warp to a `max(top, bottom) × max(left, right)`
/// rectangle with OpenCV's `getPerspectiveTransform` (8×8 LU) and `warpPerspective` (inverse map,
/// 5-bit fixed-point bilinear, black border). Polygons with more than 4 points (curved text) are
/// warped from their minimum-area rectangle. Where the reference would return a source-sized
/// garbage image (a side shorter than one pixel), `plan` fails with a reason instead.
public struct PerspectiveWarp: Sendable {
    /// Ordered source vertices (float32, as the reference holds them).
    public let vertices: [Float]
    public let outWidth: Int
    public let outHeight: Int
    /// The destination → source map (OpenCV inverts the source → destination transform).
    public let inverse: [Double]
    /// The source pixels the warp reads (bilinear neighbours included).
    public let sourceRect: CropRect

    /// Plans the warp of `polygon` on a `width × height` image.
    public static func plan(_ polygon: [Double], width: Int, height: Int) -> Result<PerspectiveWarp, WarpFailure> {
        guard polygon.allSatisfy(\.isFinite) else { return .failure(.init("a coordinate is not a finite number")) }
        var quad = polygon
        if polygon.count != 8 {
            guard polygon.count >= 6, polygon.count % 2 == 0 else { return .failure(.init("a warp needs at least 3 points")) }
            guard let rect = MinAreaRect.corners(polygon) else { return .failure(.init("degenerate polygon (no area)")) }
            quad = rect
        }
        var xs = [Float](), ys = [Float]()
        for i in 0..<4 {
            xs.append(Float(min(max(quad[2 * i], 0), Double(width))))
            ys.append(Float(min(max(quad[2 * i + 1], 0), Double(height))))
        }
        let v = sortVertex(xs, ys)
        func edge(_ a: Int, _ b: Int) -> Double {
            let dx = Double(v[2 * b]) - Double(v[2 * a]), dy = Double(v[2 * b + 1]) - Double(v[2 * a + 1])
            return (dx * dx + dy * dy).squareRoot()
        }
        let boxWidth = max(edge(0, 1), edge(2, 3)), boxHeight = max(edge(1, 2), edge(3, 0))
        let outW = Int(boxWidth), outH = Int(boxHeight)
        guard outW > 0, outH > 0 else {
            return .failure(.init("box is thinner than one pixel after clipping (\(String(format: "%.2f", boxWidth))x\(String(format: "%.2f", boxHeight))); the reference would return the whole image"))
        }
        let dst: [Float] = [0, 0, Float(boxWidth), 0, Float(boxWidth), Float(boxHeight), 0, Float(boxHeight)]
        guard let forward = perspectiveTransform(src: v, dst: dst), let inv = invert3x3(forward) else {
            return .failure(.init("degenerate quadrilateral (no perspective transform)"))
        }
        let xs2 = stride(from: 0, to: 8, by: 2).map { Double(v[$0]) }, ys2 = stride(from: 1, to: 8, by: 2).map { Double(v[$0]) }
        // Bilinear sampling reads one pixel beyond the rounded-up extent.
        let source = CropRect(x0: Int(xs2.min()!.rounded(.down)) - 1, y0: Int(ys2.min()!.rounded(.down)) - 1,
                              x1: Int(xs2.max()!.rounded(.up)) + 2, y1: Int(ys2.max()!.rounded(.up)) + 2)
            .expanded(by: 0, width: width, height: height)
        return .success(PerspectiveWarp(vertices: v, outWidth: outW, outHeight: outH, inverse: inv, sourceRect: source))
    }

    /// Why a warp cannot be made.
    public struct WarpFailure: Error, CustomStringConvertible {
        public let description: String
        init(_ d: String) { description = d }
    }

    /// `box_utils._sort_vertex` in float32: by angle around the mean (numpy's argsort of 4
    /// values is an insertion sort, so stable), then rotated to start at the vertex nearest
    /// the (min x, min y) corner.
    static func sortVertex(_ xs: [Float], _ ys: [Float]) -> [Float] {
        var cx: Float = 0, cy: Float = 0
        for i in 0..<4 { cx += xs[i]; cy += ys[i] }
        cx /= 4; cy /= 4
        let angles = (0..<4).map { atan2f(ys[$0] - cy, xs[$0] - cx) }
        var order = [0, 1, 2, 3]
        for i in 1..<4 {  // insertion sort: stable, like numpy for small arrays
            var j = i
            while j > 0 && angles[order[j - 1]] > angles[order[j]] { order.swapAt(j - 1, j); j -= 1 }
        }
        let sx = order.map { xs[$0] }, sy = order.map { ys[$0] }
        let lx = sx.min()!, ly = sy.min()!
        var best = 0
        var bestDist = Float.infinity
        for i in 0..<4 {
            let dx = lx - sx[i], dy = ly - sy[i]
            let d = (dx * dx + dy * dy).squareRoot()
            if d < bestDist { bestDist = d; best = i }
        }
        var out: [Float] = []
        for k in 0..<4 { let i = (k + best) % 4; out.append(sx[i]); out.append(sy[i]) }
        return out
    }

    /// `cv::getPerspectiveTransform` (DECOMP_LU): the 8×8 system built as OpenCV builds it
    /// (the products in float, as `Point2f` arithmetic gives them), solved by its LU.
    static func perspectiveTransform(src: [Float], dst: [Float]) -> [Double]? {
        var a = [Double](repeating: 0, count: 64), b = [Double](repeating: 0, count: 8)
        for i in 0..<4 {
            let sx = src[2 * i], sy = src[2 * i + 1], dx = dst[2 * i], dy = dst[2 * i + 1]
            a[i * 8 + 0] = Double(sx); a[(i + 4) * 8 + 3] = Double(sx)
            a[i * 8 + 1] = Double(sy); a[(i + 4) * 8 + 4] = Double(sy)
            a[i * 8 + 2] = 1; a[(i + 4) * 8 + 5] = 1
            a[i * 8 + 6] = Double(-sx * dx)
            a[i * 8 + 7] = Double(-sy * dx)
            a[(i + 4) * 8 + 6] = Double(-sx * dy)
            a[(i + 4) * 8 + 7] = Double(-sy * dy)
            b[i] = Double(dx); b[i + 4] = Double(dy)
        }
        guard luSolve(&a, 8, &b) else { return nil }
        return b + [1]
    }

    /// OpenCV's `LUImpl` (partial pivoting, eps = DBL_EPSILON·100), solving in place into `b`.
    static func luSolve(_ A: inout [Double], _ m: Int, _ b: inout [Double]) -> Bool {
        for i in 0..<m {
            var k = i
            for j in (i + 1)..<max(i + 1, m) where abs(A[j * m + i]) > abs(A[k * m + i]) { k = j }
            if abs(A[k * m + i]) < Double.ulpOfOne * 100 { return false }
            if k != i {
                for j in i..<m { A.swapAt(i * m + j, k * m + j) }
                b.swapAt(i, k)
            }
            let d = -1 / A[i * m + i]
            for j in (i + 1)..<max(i + 1, m) {
                let alpha = A[j * m + i] * d
                for k2 in (i + 1)..<m { A[j * m + k2] += alpha * A[i * m + k2] }
                b[j] += alpha * b[i]
            }
        }
        for i in stride(from: m - 1, through: 0, by: -1) {
            var s = b[i]
            for k in (i + 1)..<max(i + 1, m) { s -= A[i * m + k] * b[k] }
            b[i] = s / A[i * m + i]
        }
        return true
    }

    /// `cv::invert` of a 3×3 double matrix (DECOMP_LU takes the cofactor formula for n = 3).
    static func invert3x3(_ m: [Double]) -> [Double]? {
        func s(_ r: Int, _ c: Int) -> Double { m[r * 3 + c] }
        var d = s(0, 0) * (s(1, 1) * s(2, 2) - s(1, 2) * s(2, 1)) - s(0, 1) * (s(1, 0) * s(2, 2) - s(1, 2) * s(2, 0))
            + s(0, 2) * (s(1, 0) * s(2, 1) - s(1, 1) * s(2, 0))
        guard d != 0 else { return nil }
        d = 1 / d
        return [(s(1, 1) * s(2, 2) - s(1, 2) * s(2, 1)) * d, (s(0, 2) * s(2, 1) - s(0, 1) * s(2, 2)) * d,
                (s(0, 1) * s(1, 2) - s(0, 2) * s(1, 1)) * d,
                (s(1, 2) * s(2, 0) - s(1, 0) * s(2, 2)) * d, (s(0, 0) * s(2, 2) - s(0, 2) * s(2, 0)) * d,
                (s(0, 2) * s(1, 0) - s(0, 0) * s(1, 2)) * d,
                (s(1, 0) * s(2, 1) - s(1, 1) * s(2, 0)) * d, (s(0, 1) * s(2, 0) - s(0, 0) * s(2, 1)) * d,
                (s(0, 0) * s(1, 1) - s(0, 1) * s(1, 0)) * d]
    }

    /// Warps from `region`, the pixels of the source rectangle starting at (`originX`,
    /// `originY`) of an `imageWidth × imageHeight` image (it must contain `sourceRect`).
    /// `cv::warpPerspective` with INTER_LINEAR and a black constant border: per block of the
    /// output (OpenCV's block sizes, since its coordinates are accumulated per block), source
    /// coordinates in 1/32 pixel, rounded half to even; weights (32 - f)·(32 - g)·32 etc.;
    /// `(Σ v·w + 2^14) >> 15`; neighbours outside the image count as 0.
    public func apply(to region: Pixels, originX: Int, originY: Int, imageWidth: Int, imageHeight: Int) -> Pixels {
        let c = region.channels, M = inverse
        var out = [UInt8](repeating: 0, count: outWidth * outHeight * c)
        let blockSize = 64
        var bh0 = min(blockSize / 2, outHeight)
        let bw0 = min(blockSize * blockSize / bh0, outWidth)
        bh0 = min(blockSize * blockSize / bw0, outHeight)
        let rw = region.width, rh = region.height
        region.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                func pixel(_ x: Int, _ y: Int, _ k: Int) -> Int {
                    // Inside the image but outside the decoded region cannot happen (sourceRect).
                    guard x >= 0, y >= 0, x < imageWidth, y < imageHeight else { return 0 }
                    let lx = x - originX, ly = y - originY
                    guard lx >= 0, ly >= 0, lx < rw, ly < rh else { return 0 }
                    return Int(src[(ly * rw + lx) * c + k])
                }
                var y = 0
                while y < outHeight {
                    let bh = min(bh0, outHeight - y)
                    var x = 0
                    while x < outWidth {
                        let bw = min(bw0, outWidth - x)
                        for y1 in 0..<bh {
                            let yy = Double(y + y1)
                            let X0 = M[0] * Double(x) + M[1] * yy + M[2]
                            let Y0 = M[3] * Double(x) + M[4] * yy + M[5]
                            let W0 = M[6] * Double(x) + M[7] * yy + M[8]
                            for x1 in 0..<bw {
                                var W = W0 + M[6] * Double(x1)
                                W = W != 0 ? 32 / W : 0
                                let fX = max(Double(Int32.min), min(Double(Int32.max), (X0 + M[0] * Double(x1)) * W))
                                let fY = max(Double(Int32.min), min(Double(Int32.max), (Y0 + M[3] * Double(x1)) * W))
                                let X = Int(fX.rounded(.toNearestOrEven)), Y = Int(fY.rounded(.toNearestOrEven))
                                let sx = min(max(X >> 5, Int(Int16.min)), Int(Int16.max))
                                let sy = min(max(Y >> 5, Int(Int16.min)), Int(Int16.max))
                                let fx = X & 31, fy = Y & 31
                                let o = ((y + y1) * outWidth + x + x1) * c
                                if sx >= imageWidth || sx + 1 < 0 || sy >= imageHeight || sy + 1 < 0 { continue }  // black
                                let w00 = (32 - fy) * (32 - fx) * 32, w01 = (32 - fy) * fx * 32
                                let w10 = fy * (32 - fx) * 32, w11 = fy * fx * 32
                                for k in 0..<c {
                                    let v = pixel(sx, sy, k) * w00 + pixel(sx + 1, sy, k) * w01
                                        + pixel(sx, sy + 1, k) * w10 + pixel(sx + 1, sy + 1, k) * w11
                                    dst[o + k] = UInt8(min(max((v + (1 << 14)) >> 15, 0), 255))
                                }
                            }
                        }
                        x += bw
                    }
                    y += bh
                }
            }
        }
        return Pixels(width: outWidth, height: outHeight, channels: c, order: region.order, data: out)
    }
}
