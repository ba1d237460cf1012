import Foundation
import PrepCore

/// Turns decoded pixels into the detector's input: sampled through an affine map onto a
/// canvas (bilinear, as `cv2.resize`/`warpAffine` with `INTER_LINEAR`; black outside the image
/// and in the padding), optionally colour-jittered, normalised as MMOCR's
/// `TextDetDataPreprocessor` (RGB, mean 123.675/116.28/103.53, std 58.395/57.12/57.375),
/// channel-major `3 × height × width`.
public enum DetCanvas {
    public static let mean: [Float] = [123.675, 116.28, 103.53]
    public static let std: [Float] = [58.395, 57.12, 57.375]

    /// `inverse` maps canvas coordinates to source coordinates (continuous, pixel i covering
    /// [i, i + 1)); only the `fillWidth` × `fillHeight` corner is sampled, the rest is padding:
    /// black pixels (the training pipeline's `Pad`) or, with `padWithZero`, zeros after
    /// normalisation (the data preprocessor's `pad_size_divisor` padding at test time).
    public static func render(_ px: Pixels, inverse m: [Double], canvasWidth: Int, canvasHeight: Int,
                              fillWidth: Int, fillHeight: Int, jitter: DetAugment.Plan? = nil, padWithZero: Bool = false) -> [Float] {
        let plane = canvasWidth * canvasHeight
        var out = [Float](repeating: 0, count: 3 * plane)
        let W = px.width, H = px.height, C = px.channels
        // Channel offsets of R, G, B in the pixel data.
        let rgb: [Int] = C == 1 ? [0, 0, 0] : (px.order == .bgr ? [2, 1, 0] : [0, 1, 2])
        let r0 = rgb[0], g0 = rgb[1], b0 = rgb[2]
        px.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for v in 0..<min(fillHeight, canvasHeight) {
                    let yc = Double(v) + 0.5
                    for u in 0..<min(fillWidth, canvasWidth) {
                        let xc = Double(u) + 0.5
                        let sx = m[0] * xc + m[1] * yc + m[2] - 0.5
                        let sy = m[3] * xc + m[4] * yc + m[5] - 0.5
                        let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                        if x0 < -1 || y0 < -1 || x0 >= W || y0 >= H { continue }
                        let fx = Float(sx - Double(x0)), fy = Float(sy - Double(y0))
                        // The four neighbours; those outside the image count as black.
                        let x1 = x0 + 1, y1 = y0 + 1
                        let in00 = x0 >= 0 && y0 >= 0, in10 = x1 < W && y0 >= 0, in01 = x0 >= 0 && y1 < H, in11 = x1 < W && y1 < H
                        let w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy
                        var acc: (Float, Float, Float) = (0, 0, 0)
                        @inline(__always) func add(_ x: Int, _ y: Int, _ w: Float) {
                            let o = (y * W + x) * C
                            acc.0 += w * Float(src[o + r0]); acc.1 += w * Float(src[o + g0]); acc.2 += w * Float(src[o + b0])
                        }
                        if in00 { add(x0, y0, w00) }
                        if in10 { add(x1, y0, w10) }
                        if in01 { add(x0, y1, w01) }
                        if in11 { add(x1, y1, w11) }
                        let i = v * canvasWidth + u
                        dst[i] = acc.0; dst[plane + i] = acc.1; dst[2 * plane + i] = acc.2
                    }
                }
            }
        }
        if let j = jitter { colourJitter(&out, plane: plane, width: canvasWidth, fillWidth: fillWidth, fillHeight: fillHeight, plan: j) }
        for c in 0..<3 {
            let mu = mean[c], inv = 1 / std[c]
            for i in 0..<plane { out[c * plane + i] = (out[c * plane + i] - mu) * inv }
        }
        if padWithZero {
            for c in 0..<3 {
                for v in 0..<canvasHeight {
                    for u in 0..<canvasWidth where u >= fillWidth || v >= fillHeight { out[c * plane + v * canvasWidth + u] = 0 }
                }
            }
        }
        return out
    }

    /// torchvision's brightness (scale, clamp to 0…255) and saturation (blend with the
    /// ITU-R 601 grey, clamp) adjustments, in the plan's order, on the image part.
    static func colourJitter(_ x: inout [Float], plane: Int, width: Int, fillWidth: Int, fillHeight: Int, plan: DetAugment.Plan) {
        let b = Float(plan.brightness), s = Float(plan.saturation)
        for v in 0..<fillHeight {
            for u in 0..<fillWidth {
                let i = v * width + u
                var r = x[i], g = x[plane + i], bl = x[2 * plane + i]
                func bright() { r = min(255, r * b); g = min(255, g * b); bl = min(255, bl * b) }
                func saturate() {
                    let grey = 0.299 * r + 0.587 * g + 0.114 * bl
                    r = min(255, max(0, s * r + (1 - s) * grey)); g = min(255, max(0, s * g + (1 - s) * grey))
                    bl = min(255, max(0, s * bl + (1 - s) * grey))
                }
                if plan.brightnessFirst { bright(); saturate() } else { saturate(); bright() }
                x[i] = r; x[plane + i] = g; x[2 * plane + i] = bl
            }
        }
    }
}
