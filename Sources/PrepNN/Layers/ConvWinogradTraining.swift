import CPrepKernels

/// Winograd F(2×2, 3×3) on `Conv2d`'s training side (the inference side is `forwardWinograd`),
/// for 3×3, stride-1 convolutions with enough channels (`trainsThroughWinograd`):
///
/// - The training forward runs through the inference kernels (`forwardWinograd`, no
///   epilogue) and keeps its input, as the im2col forward does.
/// - The input gradient of a 3×3, stride-1 convolution with padding p is itself a 3×3,
///   stride-1 convolution: of dY, padded by 2 − p, with the weights transposed (Cin ↔ Cout) and
///   flipped (rotated 180°). It runs as one more Winograd convolution, the flipped weights'
///   transform cached until the weights change, instead of the Wᵀ·dY GEMM (9·Cin·Cout
///   multiply-adds per pixel; Winograd: 4) and its col2im.
/// - The weight gradient is the forward's adjoint in the Winograd domain: with V = Bᵀ d B the
///   transformed input tiles (recomputed, 4 floats per input float; im2col's columns are 9)
///   and dM = A dY Aᵀ the transformed output gradient, dU[ξ] = Σ_tiles dM[ξ] V[ξ]ᵀ (16 GEMMs,
///   Cout × Cin, summed over the batch), and dW = Gᵀ dU G once at the end. In exact arithmetic
///   it equals the convolution's weight gradient (the Winograd forward computes the convolution
///   exactly), so only the rounding differs (tests: within 1e-5 of the largest gradient).
///
/// `Conv2d.usesWinograd = false` turns all of this off too (im2col everywhere);
/// `Conv2d.trainsWithWinograd = false` only this (benchmarks compare the two).
extension Conv2d {
    /// Whether training forwards and backwards take the Winograd paths where they apply.
    public static var trainsWithWinograd = true

    /// This layer's training forward and backward run as Winograd convolutions: 3×3, stride 1,
    /// undilated, padding at most 2, enough channels both ways (as at inference).
    var trainsThroughWinograd: Bool {
        Conv2d.usesWinograd && Conv2d.trainsWithWinograd && kernel == (3, 3) && stride == (1, 1)
            && dilation == (1, 1) && padding.h <= 2 && padding.w <= 2
            && min(inChannels, outChannels) >= Conv2d.winogradMinChannels
    }

    /// Blocks of `plan`'s tiles over `images` (the inference forward's and the backward's):
    /// groups of whole images whose V and M (16·(Cin + Cout) floats a tile) fit the column
    /// budget, at most 1024 tiles, or tile-row bands of one image.
    func winogradBlocks(_ plan: WinogradF2x3, images: Range<Int>) -> [WinogradF2x3.Block] {
        let perImage = plan.tilesY * plan.tilesX
        let budget = max(plan.tilesX, min(1024, Conv2d.columnBudget / (16 * (inChannels + outChannels))))
        if perImage <= budget {
            let g = budget / perImage
            return Swift.stride(from: images.lowerBound, to: images.upperBound, by: g).map {
                .init(images: $0..<min($0 + g, images.upperBound), rows: 0..<plan.tilesY)
            }
        }
        let rows = budget / plan.tilesX
        return images.flatMap { i in
            Swift.stride(from: 0, to: plan.tilesY, by: rows).map { .init(images: i..<i + 1, rows: $0..<min($0 + rows, plan.tilesY)) }
        }
    }

    /// Fewer input or output channels than this and the weight gradient stays im2col + GEMM:
    /// dU's 16 GEMMs are Cout × Cin over the tiles, too thin to pay below ~128 (measured on
    /// crnn-small: 32→64 and 64→128 slower, 128→128 and wider faster).
    static var winogradWeightGradientMinChannels = 128

    /// This layer's weight gradient also runs in the Winograd domain (`winogradWeightGradient`).
    var trainsWeightsThroughWinograd: Bool {
        trainsThroughWinograd && min(inChannels, outChannels) >= Conv2d.winogradWeightGradientMinChannels
    }

    /// dU of images `images` on the calling thread (thread `tid`), accumulated into the
    /// thread's buffer of `state`. Buffers: the workspace's `columns` and `dcol`.
    func winogradWeightGradient(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, images: Range<Int>, h: Int, w: Int,
                                state: WinogradTrainingState, thread tid: Int, workspace ws: ConvScratch.Workspace) {
        let cin = inChannels, co = outChannels
        let forwardPlan = WinogradF2x3(cin: cin, cout: co, h: h, w: w, padding: padding)
        let du = state.weightGradients[tid].data
        for block in winogradBlocks(forwardPlan, images: images) {
            let t = block.tileRows * forwardPlan.tilesX
            ws.columns.resize([16 * cin * t])
            ws.dcol.resize([16 * co * t])
            let v = ws.columns.data, dm = ws.dcol.data
            forwardPlan.transformInput(x, block: block, channels: 0..<cin, into: v)
            forwardPlan.transformOutputGradient(dy, block: block, channels: 0..<co, into: dm)
            for e in 0..<16 {
                // dU[ξ] (Cout×Cin) += dM[ξ] (Cout×T) · V[ξ]ᵀ (T×Cin)
                sgemm(transB: true, m: co, n: cin, k: t, a: dm + e * co * t, lda: t, b: v + e * cin * t, ldb: t,
                      beta: 1, c: du + e * co * cin, ldc: cin)
            }
        }
    }

    /// The input gradient planes of images `images` (overwritten in dx, N×Cin×h×w) from dy
    /// (N×Cout×ho×wo) on the calling thread. Buffers: the workspace's `columns` and `dcol`.
    func winogradInputGradient(_ dy: UnsafePointer<Float>, images: Range<Int>, ho: Int, wo: Int,
                               state: WinogradTrainingState, workspace ws: ConvScratch.Workspace,
                               into dx: UnsafeMutablePointer<Float>) {
        let cin = inChannels, co = outChannels
        let plan = WinogradF2x3(cin: co, cout: cin, h: ho, w: wo, padding: (2 - padding.h, 2 - padding.w))
        let u = UnsafePointer(state.flippedWeights.data)
        for block in winogradBlocks(plan, images: images) {
            let t = block.tileRows * plan.tilesX
            ws.columns.resize([16 * co * t])
            ws.dcol.resize([16 * cin * t])
            plan.transformInput(dy, block: block, channels: 0..<co, into: ws.columns.data)
            plan.multiply(u, ws.columns.data, tiles: t, xi: 0..<16, into: ws.dcol.data)
            plan.transformOutput(ws.dcol.data, block: block, channels: 0..<cin, scale: state.ones, shift: state.zeros,
                                 relu: false, into: dx)
        }
    }
}

/// A `Conv2d`'s Winograd training state: the transform of its flipped, transposed weights for
/// the input gradient (U' = G g' Gᵀ, g'[ci][co] = rot180(W[co][ci]), layout [16][Cin][Cout]),
/// rebuilt when the weights' `version` moved (`set`, an optimizer step, `markChanged()`) or a
/// fingerprint of 64 sampled values differs (a write through the pointer left unmarked); and
/// one dU accumulator [16][Cout][Cin] per thread for the weight gradient.
final class WinogradTrainingState {
    let flippedWeights = Tensor(shape: [0])
    private(set) var weightGradients: [Tensor] = []
    private let flipped = Tensor(shape: [0])
    private var source: WeightStamp?
    private let onesBuffer = Tensor(shape: [0]), zerosBuffer = Tensor(shape: [0])
    /// Per-channel scale 1 and shift 0 for `transformOutput` (a gradient has no bias or norm).
    var ones: UnsafePointer<Float> { UnsafePointer(onesBuffer.data) }
    var zeros: UnsafePointer<Float> { UnsafePointer(zerosBuffer.data) }

    /// Before a backward on `threads` threads: zeroed dU accumulators (`weightsToo`) and, when
    /// the input gradient is wanted, the flipped weights' transform up to date with `weight`
    /// ([Cout][Cin][3][3]).
    func prepare(weight: Tensor, cout: Int, cin: Int, threads: Int, weightsToo: Bool, computeInput: Bool) {
        if weightsToo {
            while weightGradients.count < threads { weightGradients.append(Tensor(shape: [0])) }
            for t in weightGradients.prefix(threads) { t.resize([16, cout, cin]); t.zero() }
        }
        guard computeInput else { return }
        let stamp = WeightStamp(weight), p = weight.data
        if source == stamp { return }
        flipped.resize([cin, cout, 3, 3])
        let f = flipped.data
        for o in 0..<cout {
            for c in 0..<cin {
                let src = p + (o * cin + c) * 9, dst = f + (c * cout + o) * 9
                for k in 0..<9 { dst[k] = src[8 - k] }
            }
        }
        flippedWeights.resize([16, cin, cout])
        WinogradF2x3.transformWeights(f, cout: cin, cin: cout, into: flippedWeights.data)
        if onesBuffer.count != cin {
            onesBuffer.resize([cin]); onesBuffer.fill(1)
            zerosBuffer.resize([cin]); zerosBuffer.zero()
        }
        source = stamp
    }

    /// After the backward: dW += Gᵀ (Σ_threads dU) G, split over the threads by weight.
    func addWeightGradient(threads: Int, into grad: Tensor, cout: Int, cin: Int) {
        let stride = cout * cin, g = grad.data
        let parts = weightGradients.prefix(threads).map { UnsafePointer($0.data) }
        Threads.parallelChunks(stride, minChunk: 1 << 10) { r in
            for p in r {
                var u = SIMD16<Float>()
                for part in parts { for e in 0..<16 { u[e] += part[e * stride + p] } }
                // Gᵀ · dU: rows (u0 + ½u1 + ½u2, ½u1 − ½u2, ½u1 + ½u2 + u3), column by column
                var t = SIMD16<Float>()
                for j in 0..<4 {
                    let u0 = u[j], u1 = u[4 + j], u2 = u[8 + j], u3 = u[12 + j]
                    t[j] = u0 + 0.5 * (u1 + u2)
                    t[4 + j] = 0.5 * (u1 - u2)
                    t[8 + j] = 0.5 * (u1 + u2) + u3
                }
                // · G, row by row
                let d = g + p * 9
                for i in 0..<3 {
                    let t0 = t[4 * i], t1 = t[4 * i + 1], t2 = t[4 * i + 2], t3 = t[4 * i + 3]
                    d[3 * i] += t0 + 0.5 * (t1 + t2)
                    d[3 * i + 1] += 0.5 * (t1 - t2)
                    d[3 * i + 2] += 0.5 * (t1 + t2) + t3
                }
            }
        }
    }
}

extension WinogradF2x3 {
    /// dM[ξ][c][t] = (A dY Aᵀ)[ξ] for output channels `channels` of `block`'s tiles, dY read
    /// from dy (N×Cout×ho×wo; a tile's cells past an odd edge are zero): the adjoint of
    /// `transformOutput` (Aᵀ's columns are (1,0), (1,1), (1,−1), (0,−1)). Layout as M's.
    func transformOutputGradient(_ dy: UnsafePointer<Float>, block: Block, channels: Range<Int>,
                                 into dm: UnsafeMutablePointer<Float>) {
        let t = block.tileRows * tilesX, plane = ho * wo, step = cout * t
        for (bi, image) in block.images.enumerated() {
            for c in channels {
                let src = dy + (image * cout + c) * plane
                for ty in block.rows {
                    let t0 = (bi * block.rows.count + ty - block.rows.lowerBound) * tilesX
                    let y0 = src + 2 * ty * wo
                    prep_winograd_output_gradient_row(y0, 2 * ty + 1 < ho ? y0 + wo : nil, wo, tilesX, dm + c * t + t0, step)
                }
            }
        }
    }
}
