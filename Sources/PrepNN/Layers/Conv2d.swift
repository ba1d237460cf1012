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

    public func stateEntries() -> [StateEntry] {
        var e = [StateEntry("weight", .parameter(weight))]
        if let b = bias { e.append(StateEntry("bias", .parameter(b))) }
        return e
    }

    /// PyTorch's default init: kaiming_uniform(a=√5) on the weight, i.e. U(±1/√fan_in), and
    /// U(±1/√fan_in) on the bias.
    public func resetPyTorchDefault(_ rng: inout RNG) {
        let bound = 1 / Float(inChannels * kernel.h * kernel.w).squareRoot()
        for i in 0..<weight.value.count { weight.value[i] = rng.uniform(-bound, bound) }
        if let b = bias { for i in 0..<b.value.count { b.value[i] = rng.uniform(-bound, bound) } }
    }

    /// Xavier (Glorot) normal init with gain 1 and zero bias: mmcv's `XavierInit` defaults,
    /// which MMOCR's VGG backbone uses for its convolutions.
    public func resetXavierNormal(_ rng: inout RNG) {
        let rf = kernel.h * kernel.w
        let std = (2 / Float(inChannels * rf + outChannels * rf)).squareRoot()
        for i in 0..<weight.value.count { weight.value[i] = rng.normal() * std }
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

    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == inChannels,
                     "Conv2d expects (N,\(inChannels),H,W), got \(x.shape)")
        input = x
        let n = x.shape[0], h = x.shape[2], ww = x.shape[3]
        let (ho, wo) = outputSize(h: h, w: ww)
        precondition(ho > 0 && wo > 0, "Conv2d: input \(h)×\(ww) too small for kernel \(kernel)")
        let l = ho * wo, k = kSize, co = outChannels
        output.resize([n, co, ho, wo])
        let g = groupSize(n: n, l: l, threads: Threads.count)
        let ws = workspace(min(Threads.count, (n + g - 1) / g))
        let weights = weight.value.data, bp = bias?.value.data, out = output.data
        forEachGroup(n: n, g: g) { tid, start, gn in
            let w = ws[tid]
            im2col(x, into: w.columns, from: start, count: gn, h: h, w: ww, ho: ho, wo: wo)
            let y = out + start * co * l
            if gn == 1 {
                // bias first, then the GEMM accumulates onto it
                if let bp = bp { for c in 0..<co { (y + c * l).update(repeating: bp[c], count: l) } }
                sgemm(m: co, n: l, k: k, a: weights, lda: k, b: w.columns.data, ldb: l,
                      beta: bp == nil ? 0 : 1, c: y, ldc: l)
            } else {
                w.gathered.resize([co, gn * l])
                sgemm(m: co, n: gn * l, k: k, a: weights, lda: k, b: w.columns.data, ldb: gn * l,
                      c: w.gathered.data, ldc: gn * l)
                // (Cout, G·L) → (G, Cout, L), adding the bias on the way
                let src = w.gathered.data
                for gi in 0..<gn {
                    for c in 0..<co {
                        let d = y + (gi * co + c) * l, s = src + c * gn * l + gi * l
                        if let bp = bp {
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
        guard let x = input else { preconditionFailure("Conv2d.backward before forward") }
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
        let ws = workspace(min(Threads.count, (n + g - 1) / g))
        let shared = ws.count == 1
        if !shared { for w in ws { w.gradWeight.resize(weight.grad.shape); w.gradWeight.zero() } }
        let weights = weight.value.data, dyAll = dy.data
        let computeInput = computesInputGradient
        forEachGroup(n: n, g: g) { tid, start, gn in
            let w = ws[tid]
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
            // dcol (K×GL) = Wᵀ (K×Cout) · dY (Cout×GL)
            w.dcol.resize([k, gl])
            sgemm(transA: true, m: k, n: gl, k: co, a: weights, lda: k, b: dyg, ldb: gl,
                  c: w.dcol.data, ldc: gl)
            col2im(w.dcol, into: gradInput, from: start, count: gn, h: h, w: ww, ho: ho, wo: wo)
        }
        if !shared {
            let total = weight.grad.count, gw = weight.grad.data
            let parts = ws.map { $0.gradWeight.data }
            Threads.parallelChunks(total, minChunk: 1 << 14) { r in
                for p in parts { for j in r { gw[j] += p[j] } }
            }
        }
        return gradInput
    }

    /// Columns (K, G·L) of images start..<start+count (serial: called inside a thread's group): row (c,i,j), column (g, oy, ox).
    private func im2col(_ x: Tensor, into columns: Tensor, from start: Int, count gn: Int, h: Int, w: Int, ho: Int, wo: Int) {
        let kh = kernel.h, kw = kernel.w, l = ho * wo, gl = gn * l
        columns.resize([kSize, gl])
        let col = columns.data, src = x.data
        let (sh, sw, ph, pw, dh, dw) = (stride.h, stride.w, padding.h, padding.w, dilation.h, dilation.w)
        let cin = inChannels
        for task in 0..<(gn * cin) {
            let gi = task / cin, c = task % cin
            let plane = src + ((start + gi) * cin + c) * h * w
            for i in 0..<kh {
                for j in 0..<kw {
                    let row = col + ((c * kh + i) * kw + j) * gl + gi * l
                    for oy in 0..<ho {
                        let iy = oy * sh - ph + i * dh
                        let dst = row + oy * wo
                        if iy < 0 || iy >= h {
                            dst.update(repeating: 0, count: wo)
                            continue
                        }
                        let srow = plane + iy * w
                        let x0 = j * dw - pw
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

    /// Scatters column gradients back into the input gradient planes (overwriting them).
    private func col2im(_ dcol: Tensor, into dx: Tensor, from start: Int, count gn: Int,
                        h: Int, w: Int, ho: Int, wo: Int) {
        let kh = kernel.h, kw = kernel.w, l = ho * wo, gl = gn * l
        let col = dcol.data, dst = dx.data
        let (sh, sw, ph, pw, dh, dw) = (stride.h, stride.w, padding.h, padding.w, dilation.h, dilation.w)
        let cin = inChannels
        for task in 0..<(gn * cin) {
            let gi = task / cin, c = task % cin
            let plane = dst + ((start + gi) * cin + c) * h * w
            plane.update(repeating: 0, count: h * w)
            for i in 0..<kh {
                for j in 0..<kw {
                    let row = col + ((c * kh + i) * kw + j) * gl + gi * l
                    for oy in 0..<ho {
                        let iy = oy * sh - ph + i * dh
                        if iy < 0 || iy >= h { continue }
                        let drow = plane + iy * w, srow = row + oy * wo
                        let x0 = j * dw - pw
                        if sw == 1 && x0 >= 0 && x0 + wo <= w {
                            let d = drow + x0
                            for ox in 0..<wo { d[ox] += srow[ox] }
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
