import Foundation

/// 2-D convolution (PyTorch `nn.Conv2d`, groups = 1) over NCHW tensors, as im2col + one BLAS
/// GEMM per group of images. State dict: `weight` [Cout, Cin, kh, kw], `bias` [Cout].
///
/// Forward keeps a reference to its input (not a copy) for backward: the caller must not
/// overwrite the input tensor between `forward` and `backward`. im2col columns are recomputed
/// in backward instead of kept, which bounds memory to one group's columns.
public final class Conv2d: Module {
    public let inChannels: Int, outChannels: Int
    public let kernel: (h: Int, w: Int), stride: (h: Int, w: Int)
    public let padding: (h: Int, w: Int), dilation: (h: Int, w: Int)
    public let weight: Parameter
    public let bias: Parameter?
    /// The last forward's output (N, Cout, Ho, Wo), reused across calls.
    public let output = Tensor(shape: [0])
    /// The last backward's input gradient (N, Cin, H, W), reused across calls.
    public let gradInput = Tensor(shape: [0])

    /// When false (a first layer, whose input is data), backward skips the input gradient: it
    /// saves one GEMM and the col2im, and `gradInput` stays empty.
    public var computesInputGradient = true

    private var input: Tensor?
    /// The Winograd backward's cached weight transform and dU buffers (ConvWinogradTraining.swift).
    let winogradTraining = WinogradTrainingState()
    /// Per-thread work buffers, needed only during this layer's own forward or backward, so a
    /// model whose layers run one after another shares one scratch among all its convolutions
    /// (the CRNN does: about 300 MB less at batch 64). Never share it between models that run
    /// at the same time.
    public var scratch = ConvScratch()
    /// Upper bound on floats in one group's column buffer (32 MB).
    static var columnBudget = 8 << 20

    public init(_ inChannels: Int, _ outChannels: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), bias: Bool = true) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = (kernel.0, kernel.1)
        self.stride = (stride.0, stride.1)
        self.padding = (padding.0, padding.1)
        self.dilation = (dilation.0, dilation.1)
        weight = Parameter("weight", shape: [outChannels, inChannels, kernel.0, kernel.1])
        self.bias = bias ? Parameter("bias", shape: [outChannels]) : nil
    }

    public func stateEntries() -> [StateEntry] { weightAndBias(weight, bias) }

    /// PyTorch's default init: kaiming_uniform(a=√5) on the weight, i.e. U(±1/√fan_in), and
    /// U(±1/√fan_in) on the bias.
    public func resetPyTorchDefault(_ rng: inout RNG) {
        resetUniform(weight, bias, fanIn: inChannels * kernel.h * kernel.w, &rng)
    }

    /// Xavier (Glorot) normal init with gain 1 and zero bias: mmcv's `XavierInit` defaults,
    /// which MMOCR's VGG backbone uses for its convolutions.
    public func resetXavierNormal(_ rng: inout RNG) {
        let rf = kernel.h * kernel.w
        let std = (2 / Float(inChannels * rf + outChannels * rf)).squareRoot()
        for i in 0..<weight.value.count { weight.value[i] = rng.normal() * std }
        weight.value.markChanged()
        bias?.value.zero()
    }

    public func outputSize(h: Int, w: Int) -> (h: Int, w: Int) {
        ((h + 2 * padding.h - dilation.h * (kernel.h - 1) - 1) / stride.h + 1,
         (w + 2 * padding.w - dilation.w * (kernel.w - 1) - 1) / stride.w + 1)
    }

    private var kSize: Int { inChannels * kernel.h * kernel.w }

    /// Images per GEMM: enough for about 2048 columns, within the column budget, and at most
    /// n / threads so every thread gets a group. One image alone when it is already wide: its
    /// output then lands in place, without copies.
    private func groupSize(n: Int, l: Int, threads: Int) -> Int {
        if l >= 768 { return 1 }
        let most = max(1, min((2048 + l - 1) / l, Conv2d.columnBudget / max(kSize * l, 1)))
        // Equal groups, a whole number per thread: 64 images of at most 20 on 2 threads → 4 × 16,
        // not 20, 20, 20, 4 (which leaves one thread 40 images and the other 24).
        let perThread = (n + threads * most - 1) / (threads * most)
        return max(1, (n + threads * perThread - 1) / (threads * perThread))
    }

    private func workspace(_ count: Int) -> [ConvScratch.Workspace] { scratch.workspaces(count) }

    /// Runs `body(thread, start, count)` over groups of `g` images, the groups split into
    /// contiguous runs, one per thread. Every BLAS call inside is single-threaded (Threads).
    private func forEachGroup(n: Int, g: Int, _ body: (Int, Int, Int) -> Void) {
        let groups = (n + g - 1) / g
        let threads = min(Threads.count, groups)
        Threads.parallelFor(threads) { tid in
            for gi in (groups * tid / threads)..<(groups * (tid + 1) / threads) {
                let start = gi * g
                body(tid, start, min(g, n - start))
            }
        }
    }

    /// The training forward: im2col + GEMM, its input kept for `backward`.
    public func forward(_ x: Tensor) -> Tensor { forward(x, epilogue: nil, keepsInput: true) }

    /// Inference forward with `epilogue` (per output channel y = act(conv(x)·scale + shift), a
    /// folded BatchNorm and/or ReLU) applied while the output is written: no separate passes
    /// over the output for the norm and the activation. 3×3 stride-1 convolutions run as
    /// Winograd F(2×2, 3×3) (`usesWinograd`). `backward` is not available after an inference
    /// forward (the input is not kept, the pre-activation values are gone).
    public func forward(_ x: Tensor, epilogue: ConvEpilogue?) -> Tensor {
        forward(x, epilogue: epilogue, keepsInput: false)
    }

    /// Whether inference forwards run 3×3, stride-1, undilated convolutions with at least
    /// `winogradMinChannels` input and output channels as Winograd F(2×2, 3×3)
    /// (`WinogradF2x3`, within 1e-4 of im2col + GEMM); false: im2col + GEMM everywhere (exact
    /// comparisons, benchmarks). Training: `trainsWithWinograd` (ConvWinogradTraining.swift).
    public static var usesWinograd = true
    /// Fewer channels than this and 16 thin GEMMs lose to im2col's one (CRNN's first layer has 1).
    static var winogradMinChannels = 16

    private func forward(_ x: Tensor, epilogue: ConvEpilogue?, keepsInput: Bool) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == inChannels,
                     "Conv2d expects (N,\(inChannels),H,W), got \(x.shape)")
        if let e = epilogue { precondition(e.channels == outChannels, "Conv2d: epilogue for \(e.channels) channels, conv has \(outChannels)") }
        input = keepsInput ? x : nil
        let n = x.shape[0], h = x.shape[2], ww = x.shape[3]
        let (ho, wo) = outputSize(h: h, w: ww)
        precondition(ho > 0 && wo > 0, "Conv2d: input \(h)×\(ww) too small for kernel \(kernel)")
        let l = ho * wo, k = kSize, co = outChannels
        output.resize([n, co, ho, wo])
        // With an epilogue the bias is part of its shift: GEMMs start from zero.
        let fused = epilogue.map { $0.including(bias: bias?.value) }
        if keepsInput ? trainsThroughWinograd : usesWinograd {
            // Training rebuilds U every forward: its weights change every step anyway, and
            // finite-difference checks write them through the subscript, which no cache sees.
            if keepsInput { weight.value.markChanged() }
            let tiles = n * ((ho + 1) / 2) * ((wo + 1) / 2)
            forwardWinograd(x, n: n, h: h, w: ww, epilogue: fused, packed: !keepsInput && PackedKernels.pays(columns: tiles))
            return output
        }
        // inference with enough depth per output: the weights packed once for prep's own kernel
        let packed = !keepsInput && PackedKernels.pays(columns: n * l) && k >= Conv2d.packedMinDepth ? packedWeights() : nil
        let g = groupSize(n: n, l: l, threads: Threads.count)
        if usesWidePath(n: n, g: g) {
            forwardWide(x, n: n, h: h, w: ww, ho: ho, wo: wo, epilogue: fused, packed: packed)
            return output
        }
        let ws = workspace(min(Threads.count, (n + g - 1) / g))
        let weights = weight.value.data, bp = fused == nil ? bias?.value.data : nil, out = output.data
        /// C (Cout × columns, ldc) = W · B (or += when `accumulate`), single-threaded.
        func product(n: Int, b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
            if let packed {
                packed.multiply(rows: 0..<co, b: b, ldb: ldb, n: n, c: c, ldc: ldc, accumulate: accumulate)
            } else {
                sgemm(m: co, n: n, k: k, a: weights, lda: k, b: b, ldb: ldb, beta: accumulate ? 1 : 0, c: c, ldc: ldc)
            }
        }
        let banded = g == 1 && k * l > Conv2d.bandBudget
        let bandList = banded ? bands(ho: ho, wo: wo) : []
        forEachGroup(n: n, g: g) { tid, start, gn in
            let w = ws[tid]
            let y = out + start * co * l
            if banded {
                // one large image on this thread: output-row bands, each im2col'd then multiplied
                if let bp = bp { for c in 0..<co { (y + c * l).update(repeating: bp[c], count: l) } }
                let image = x.data + start * inChannels * h * ww
                for rows in bandList {
                    let bn = rows.count * wo
                    w.columns.resize([k, bn])
                    geometry.im2col(image, channels: 0..<inChannels, h: h, w: ww, ho: ho, wo: wo, rows: rows,
                                    into: w.columns.data, ld: bn)
                    product(n: bn, b: w.columns.data, ldb: bn, c: y + rows.lowerBound * wo, ldc: l, accumulate: bp != nil)
                }
                fused?.apply(y, channels: 0..<co, planeSize: l)
                return
            }
            im2col(x, into: w.columns, from: start, count: gn, h: h, w: ww, ho: ho, wo: wo)
            if gn == 1 {
                // bias first, then the GEMM accumulates onto it
                if let bp = bp { for c in 0..<co { (y + c * l).update(repeating: bp[c], count: l) } }
                product(n: l, b: w.columns.data, ldb: l, c: y, ldc: l, accumulate: bp != nil)
                fused?.apply(y, channels: 0..<co, planeSize: l)
            } else {
                w.gathered.resize([co, gn * l])
                product(n: gn * l, b: w.columns.data, ldb: gn * l, c: w.gathered.data, ldc: gn * l, accumulate: false)
                // (Cout, G·L) → (G, Cout, L), through the epilogue or adding the bias on the way
                let src = w.gathered.data
                for gi in 0..<gn {
                    for c in 0..<co {
                        let d = y + (gi * co + c) * l, s = src + c * gn * l + gi * l
                        if let fused {
                            fused.apply(from: s, to: d, channel: c, count: l)
                        } else if let bp = bp {
                            let bv = bp[c]
                            for j in 0..<l { d[j] = s[j] + bv }
                        } else {
                            d.update(from: s, count: l)
                        }
                    }
                }
            }
        }
        return output
    }

    /// Adds the weight and bias gradients for `dy` (same shape as the output) and returns the
    /// input gradient.
    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("Conv2d.backward before forward (or after an inference forward)") }
        precondition(dy.shape == output.shape, "Conv2d.backward: dy \(dy.shape) ≠ output \(output.shape)")
        let n = x.shape[0], h = x.shape[2], ww = x.shape[3]
        let ho = output.shape[2], wo = output.shape[3]
        let l = ho * wo, k = kSize, co = outChannels
        if computesInputGradient { gradInput.resize(x.shape) } else { gradInput.resize([0]) }
        if let b = bias {
            let gb = b.grad.data, d = dy.data
            Threads.parallelChunks(co) { r in
                for c in r {
                    var s: Float = 0
                    for i in 0..<n {
                        let row = d + (i * co + c) * l
                        for j in 0..<l { s += row[j] }
                    }
                    gb[c] += s
                }
            }
        }
        let g = groupSize(n: n, l: l, threads: Threads.count)
        if usesWidePath(n: n, g: g) {
            backwardWide(x, dy, n: n, h: h, w: ww, ho: ho, wo: wo)
            return gradInput
        }
        let ws = workspace(min(Threads.count, (n + g - 1) / g))
        let shared = ws.count == 1
        let weights = weight.value.data, dyAll = dy.data
        let computeInput = computesInputGradient
        let banded = g == 1 && k * l > Conv2d.bandBudget
        let bandList = banded ? bands(ho: ho, wo: wo) : []
        // Winograd input gradient; weight gradient too when wide enough (ConvWinogradTraining.swift)
        let winograd = !banded && trainsThroughWinograd, winogradWeights = winograd && trainsWeightsThroughWinograd
        if !shared && !winogradWeights { for w in ws { w.gradWeight.resize(weight.grad.shape); w.gradWeight.zero() } }
        if winograd {
            winogradTraining.prepare(weight: weight.value, cout: co, cin: inChannels, threads: ws.count,
                                     weightsToo: winogradWeights, computeInput: computeInput)
        }
        forEachGroup(n: n, g: g) { tid, start, gn in
            let w = ws[tid]
            if banded {
                let image = x.data + start * inChannels * h * ww
                let dxi = gradInput.data + start * inChannels * h * ww
                if computeInput { dxi.update(repeating: 0, count: inChannels * h * ww) }
                for rows in bandList {
                    let bn = rows.count * wo
                    let dyb = dyAll + start * co * l + rows.lowerBound * wo
                    w.columns.resize([k, bn])
                    geometry.im2col(image, channels: 0..<inChannels, h: h, w: ww, ho: ho, wo: wo, rows: rows,
                                    into: w.columns.data, ld: bn)
                    sgemm(transB: true, m: co, n: k, k: bn, a: dyb, lda: l, b: w.columns.data, ldb: bn,
                          beta: 1, c: shared ? weight.grad.data : w.gradWeight.data, ldc: k)
                    if !computeInput { continue }
                    w.dcol.resize([k, bn])
                    sgemm(transA: true, m: k, n: bn, k: co, a: weights, lda: k, b: dyb, ldb: l,
                          c: w.dcol.data, ldc: bn)
                    geometry.col2im(w.dcol.data, ld: bn, channels: 0..<inChannels, h: h, w: ww, ho: ho, wo: wo,
                                    rows: rows, into: dxi)
                }
                return
            }
            if winogradWeights {
                winogradWeightGradient(x.data, dyAll, images: start..<start + gn, h: h, w: ww, state: winogradTraining,
                                       thread: tid, workspace: w)
                if computeInput {
                    winogradInputGradient(dyAll, images: start..<start + gn, ho: ho, wo: wo, state: winogradTraining,
                                          workspace: w, into: gradInput.data)
                }
                return
            }
            im2col(x, into: w.columns, from: start, count: gn, h: h, w: ww, ho: ho, wo: wo)
            let dyg: UnsafeMutablePointer<Float>
            if gn == 1 {
                dyg = dyAll + start * co * l
            } else {
                w.gathered.resize([co, gn * l])
                let dst = w.gathered.data, src = dyAll + start * co * l
                for gi in 0..<gn {
                    for c in 0..<co {
                        (dst + c * gn * l + gi * l).update(from: src + (gi * co + c) * l, count: l)
                    }
                }
                dyg = w.gathered.data
            }
            let gl = gn * l
            // dW (Cout×K) += dY (Cout×GL) · colᵀ (GL×K)
            sgemm(transB: true, m: co, n: k, k: gl, a: dyg, lda: gl, b: w.columns.data, ldb: gl,
                  beta: 1, c: shared ? weight.grad.data : w.gradWeight.data, ldc: k)
            if !computeInput { return }
            if winograd {
                winogradInputGradient(dyAll, images: start..<start + gn, ho: ho, wo: wo, state: winogradTraining,
                                      workspace: w, into: gradInput.data)
                return
            }
            // dcol (K×GL) = Wᵀ (K×Cout) · dY (Cout×GL)
            w.dcol.resize([k, gl])
            sgemm(transA: true, m: k, n: gl, k: co, a: weights, lda: k, b: dyg, ldb: gl,
                  c: w.dcol.data, ldc: gl)
            col2im(w.dcol, into: gradInput, from: start, count: gn, h: h, w: ww, ho: ho, wo: wo)
        }
        if winogradWeights {
            winogradTraining.addWeightGradient(threads: ws.count, into: weight.grad, cout: co, cin: inChannels)
        } else if !shared {
            let total = weight.grad.count, gw = weight.grad.data
            let parts = ws.map { $0.gradWeight.data }
            Threads.parallelChunks(total, minChunk: 1 << 14) { r in
                for p in parts { for j in r { gw[j] += p[j] } }
            }
        }
        return gradInput
    }

    /// Fewer groups than threads (one large image at inference, a batch of two on four
    /// threads): the per-group split would leave threads idle, so each image instead runs with
    /// its im2col split by channels and its GEMMs split by rows over all threads.
    private func usesWidePath(n: Int, g: Int) -> Bool {
        Threads.count > 1 && (n + g - 1) / g < Threads.count
    }

    /// A 1×1, stride-1, unpadded convolution's columns are its input: no im2col needed.
    private var isPointwise: Bool {
        kernel == (1, 1) && stride == (1, 1) && padding == (0, 0)
    }

    /// Floats of one band's columns when one image fills a GEMM (8 MB): a large image's full im2col would
    /// take hundreds of MB (2304 × 58,880 for a 3×3 256-channel conv at 1280×736 / 4) and
    /// stream through memory twice; bands of output rows stay near the cache.
    static var bandBudget = 2 << 20

    /// Output-row bands of at most `bandBudget` column floats (at least one row each).
    private func bands(ho: Int, wo: Int) -> [Range<Int>] {
        let rows = max(1, Conv2d.bandBudget / max(kSize * wo, 1))
        return Swift.stride(from: 0, to: ho, by: rows).map { $0..<min($0 + rows, ho) }
    }

    /// Columns of output rows `rows` of image `i` in the first workspace (or the image itself
    /// when pointwise), im2col split by channels over the threads.
    private func wideColumns(_ x: Tensor, image i: Int, h: Int, w: Int, ho: Int, wo: Int,
                             rows: Range<Int>) -> UnsafeMutablePointer<Float> {
        let src = x.data + i * inChannels * h * w
        if isPointwise { return src + rows.lowerBound * wo }
        let n = rows.count * wo
        let cols = workspace(1)[0].columns
        cols.resize([kSize, n])
        let geo = geometry, cin = inChannels, dst = cols.data
        Threads.parallelChunks(cin) { r in
            geo.im2col(src, channels: r, h: h, w: w, ho: ho, wo: wo, rows: rows, into: dst, ld: n)
        }
        return dst
    }

    private func forwardWide(_ x: Tensor, n: Int, h: Int, w: Int, ho: Int, wo: Int, epilogue: ConvEpilogue?,
                             packed: PackedWeights?) {
        let l = ho * wo, k = kSize, co = outChannels
        let weights = weight.value.data, bp = epilogue == nil ? bias?.value.data : nil
        defer {
            if let epilogue {
                let out = output.data
                Threads.parallelChunks(n * co, minChunk: 8) { r in
                    for plane in r { epilogue.apply(out + plane * l, channels: (plane % co)..<(plane % co + 1), planeSize: l) }
                }
            }
        }
        for i in 0..<n {
            let y = output.data + i * co * l
            if let bp = bp { for c in 0..<co { (y + c * l).update(repeating: bp[c], count: l) } }
            for rows in bands(ho: ho, wo: wo) {
                let cols = wideColumns(x, image: i, h: h, w: w, ho: ho, wo: wo, rows: rows)
                // a pointwise conv's "columns" are the image planes: row stride l, not the band's width
                let ldb = isPointwise ? l : rows.count * wo
                if let packed {
                    packed.multiplyParallel(b: cols, ldb: ldb, n: rows.count * wo, c: y + rows.lowerBound * wo, ldc: l,
                                            accumulate: bp != nil)
                } else {
                    gemmRows(m: co, n: rows.count * wo, k: k, a: weights, lda: k, b: cols, ldb: ldb,
                             beta: bp == nil ? 0 : 1, c: y + rows.lowerBound * wo, ldc: l)
                }
            }
        }
    }

    private func backwardWide(_ x: Tensor, _ dy: Tensor, n: Int, h: Int, w: Int, ho: Int, wo: Int) {
        let l = ho * wo, k = kSize, co = outChannels, cin = inChannels
        let weights = weight.value.data
        let dcol = workspace(1)[0].dcol
        for i in 0..<n {
            let dxi = gradInput.data + i * cin * h * w
            if computesInputGradient && !isPointwise { dxi.update(repeating: 0, count: cin * h * w) }
            for rows in bands(ho: ho, wo: wo) {
                let cols = wideColumns(x, image: i, h: h, w: w, ho: ho, wo: wo, rows: rows)
                let bn = rows.count * wo, ldb = isPointwise ? l : bn
                let dyi = dy.data + i * co * l + rows.lowerBound * wo
                // dW (Cout×K) += dY band (Cout×B) · colᵀ (B×K)
                gemmRows(transB: true, m: co, n: k, k: bn, a: dyi, lda: l, b: cols, ldb: ldb, beta: 1,
                         c: weight.grad.data, ldc: k)
                if !computesInputGradient { continue }
                if isPointwise {
                    gemmRows(transA: true, m: k, n: bn, k: co, a: weights, lda: k, b: dyi, ldb: l,
                             c: dxi + rows.lowerBound * wo, ldc: l)
                    continue
                }
                dcol.resize([k, bn])
                gemmRows(transA: true, m: k, n: bn, k: co, a: weights, lda: k, b: dyi, ldb: l, c: dcol.data, ldc: bn)
                let geo = geometry, dc = dcol.data
                Threads.parallelChunks(cin) { r in
                    geo.col2im(dc, ld: bn, channels: r, h: h, w: w, ho: ho, wo: wo, rows: rows, into: dxi)
                }
            }
        }
    }

    /// This layer's inference forwards take the Winograd path (see `usesWinograd`).
    private var usesWinograd: Bool {
        Conv2d.usesWinograd && kernel == (3, 3) && stride == (1, 1) && dilation == (1, 1)
            && min(inChannels, outChannels) >= Conv2d.winogradMinChannels
    }

    /// Inference convolutions multiply by weights packed once (`PackedKernels.enabled`): the
    /// Winograd U, and im2col weights at least this deep (K = Cin·kh·kw): shallower products
    /// are mostly writing C, which OpenBLAS does better.
    static var packedMinDepth = 64

    /// The Winograd weights U (`WinogradF2x3.transformWeights`) and what they were made from.
    private let winogradWeights = Tensor(shape: [0])
    private var winogradSource: WeightStamp?
    /// U packed for the inference forward, and the im2col weights packed (`PackedWeights`).
    private let winogradPacked = PackedWeights(), im2colPacked = PackedWeights()

    /// U for the current weights: rebuilt when `weight.value` changed since (`WeightStamp`).
    private func transformedWeights() -> UnsafePointer<Float> {
        let stamp = WeightStamp(weight.value)
        if winogradSource != stamp {
            winogradWeights.resize([16, outChannels, inChannels])
            WinogradF2x3.transformWeights(weight.value.data, cout: outChannels, cin: inChannels, into: winogradWeights.data)
            winogradSource = stamp
        }
        return UnsafePointer(winogradWeights.data)
    }

    /// U for the current weights, packed: 16 matrices Cout × Cin.
    private func packedWinogradWeights() -> PackedWeights {
        let stamp = WeightStamp(weight.value)
        if winogradPacked.source != stamp {
            let u = Tensor(shape: [16, outChannels, inChannels])
            WinogradF2x3.transformWeights(weight.value.data, cout: outChannels, cin: inChannels, into: u.data)
            winogradPacked.pack(u.data, count: 16, m: outChannels, k: inChannels, lda: inChannels,
                                matrixStride: outChannels * inChannels, stamp: stamp)
        }
        return winogradPacked
    }

    /// The weights as one Cout × (Cin·kh·kw) matrix, packed.
    private func packedWeights() -> PackedWeights {
        let stamp = WeightStamp(weight.value)
        if im2colPacked.source != stamp {
            im2colPacked.pack(weight.value.data, count: 1, m: outChannels, k: kSize, lda: kSize, matrixStride: 0, stamp: stamp)
        }
        return im2colPacked
    }

    /// The inference forward as Winograd F(2×2, 3×3): blocks of whole images (or tile-row bands
    /// of one large image), each transformed, multiplied (16 GEMMs) and transformed back through
    /// the epilogue. With at least as many images as threads each thread takes its share of
    /// images; with fewer, every block's three steps are split over the threads instead.
    private func forwardWinograd(_ x: Tensor, n: Int, h: Int, w: Int, epilogue: ConvEpilogue?, packed: Bool) {
        let plan = WinogradF2x3(cin: inChannels, cout: outChannels, h: h, w: w, padding: padding)
        let packedU = packed ? packedWinogradWeights() : nil
        let u = packed ? nil : transformedWeights()
        let co = outChannels
        let scale = epilogue?.scale ?? [Float](repeating: 1, count: co)
        let shift = epilogue?.shift ?? bias?.value.values ?? [Float](repeating: 0, count: co)
        let relu = epilogue?.relu ?? false
        /// M's rows `channels` (starting on a panel boundary when packed) of all 16 GEMMs.
        func multiply(_ v: UnsafePointer<Float>, tiles t: Int, channels: Range<Int>, into m: UnsafeMutablePointer<Float>) {
            if let packedU {
                plan.multiply(packedU, v, tiles: t, channels: channels, into: m)
            } else {
                plan.multiply(u!, v, tiles: t, xi: 0..<16, channels: channels, into: m)
            }
        }
        let threads = min(Threads.count, n)
        let ws = workspace(threads)
        let xp = UnsafePointer(x.data), y = output.data
        scale.withUnsafeBufferPointer { sp in
            shift.withUnsafeBufferPointer { bp in
                let sc = sp.baseAddress!, sh = bp.baseAddress!
                func run(_ block: WinogradF2x3.Block, _ w: ConvScratch.Workspace, parallel: Bool) {
                    let t = block.tileRows * plan.tilesX
                    w.columns.resize([16 * inChannels * t])
                    w.gathered.resize([16 * co * t])
                    let v = w.columns.data, m = w.gathered.data
                    if parallel {
                        Threads.parallelChunks(inChannels) { plan.transformInput(xp, block: block, channels: $0, into: v) }
                        // each thread multiplies its output channels' rows of all 16 GEMMs and
                        // transforms them back at once: one fork less, M stays in its cache
                        let parts = PackedWeights.rowRanges(co, parts: Threads.count)
                        Threads.parallelFor(parts.count) {
                            multiply(v, tiles: t, channels: parts[$0], into: m)
                            plan.transformOutput(m, block: block, channels: parts[$0], scale: sc, shift: sh, relu: relu, into: y)
                        }
                    } else {
                        plan.transformInput(xp, block: block, channels: 0..<inChannels, into: v)
                        multiply(v, tiles: t, channels: 0..<co, into: m)
                        plan.transformOutput(m, block: block, channels: 0..<co, scale: sc, shift: sh, relu: relu, into: y)
                    }
                }
                if threads < Threads.count {
                    for block in winogradBlocks(plan, images: 0..<n) { run(block, ws[0], parallel: true) }
                } else {
                    Threads.parallelFor(threads) { tid in
                        for block in winogradBlocks(plan, images: (n * tid / threads)..<(n * (tid + 1) / threads)) {
                            run(block, ws[tid], parallel: false)
                        }
                    }
                }
            }
        }
    }

    private var geometry: ConvGeometry {
        ConvGeometry(kernel: kernel, stride: stride, padding: padding, dilation: dilation)
    }

    /// Columns (K, G·L) of images start..<start+count (serial: called inside a thread's group): row (c,i,j), column (g, oy, ox).
    private func im2col(_ x: Tensor, into columns: Tensor, from start: Int, count gn: Int, h: Int, w: Int, ho: Int, wo: Int) {
        let l = ho * wo, gl = gn * l
        columns.resize([kSize, gl])
        let geo = geometry
        for gi in 0..<gn {
            geo.im2col(x.data + (start + gi) * inChannels * h * w, channels: 0..<inChannels, h: h, w: w, ho: ho, wo: wo,
                       into: columns.data + gi * l, ld: gl)
        }
    }

    /// Scatters column gradients back into the input gradient planes (overwriting them).
    private func col2im(_ dcol: Tensor, into dx: Tensor, from start: Int, count gn: Int,
                        h: Int, w: Int, ho: Int, wo: Int) {
        let l = ho * wo, gl = gn * l
        let geo = geometry
        for gi in 0..<gn {
            geo.col2im(dcol.data + gi * l, ld: gl, channels: 0..<inChannels, h: h, w: w, ho: ho, wo: wo,
                       into: dx.data + (start + gi) * inChannels * h * w)
        }
    }
}

/// Work buffers of `Conv2d`, one set per thread: im2col columns, the GEMM's (Cout, G·L)
/// output or gathered dy, column gradients, and a partial weight gradient (threads ≥ 2).
public final class ConvScratch {
    final class Workspace {
        let columns = Tensor(shape: [0]), gathered = Tensor(shape: [0]), dcol = Tensor(shape: [0])
        let gradWeight = Tensor(shape: [0])
    }
    private var sets: [Workspace] = []
    public init() {}

    func workspaces(_ count: Int) -> [Workspace] {
        while sets.count < count { sets.append(Workspace()) }
        return Array(sets.prefix(count))
    }
}
