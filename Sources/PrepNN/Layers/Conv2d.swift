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
    private let columns = Tensor(shape: [0])
    private let gathered = Tensor(shape: [0])
    private let dcol = Tensor(shape: [0])
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

    /// Images per GEMM: one when an image alone gives a wide GEMM (its output lands in place,
    /// no copies); otherwise enough images for about 2048 columns, within the column budget.
    private func groupSize(n: Int, l: Int) -> Int {
        if l >= 768 { return 1 }
        return max(1, min(n, (2048 + l - 1) / l, Conv2d.columnBudget / max(kSize * l, 1)))
    }

    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == inChannels,
                     "Conv2d expects (N,\(inChannels),H,W), got \(x.shape)")
        input = x
        let n = x.shape[0], h = x.shape[2], w = x.shape[3]
        let (ho, wo) = outputSize(h: h, w: w)
        precondition(ho > 0 && wo > 0, "Conv2d: input \(h)×\(w) too small for kernel \(kernel)")
        let l = ho * wo, k = kSize, co = outChannels
        output.resize([n, co, ho, wo])
        let g = groupSize(n: n, l: l)
        var start = 0
        while start < n {
            let gn = min(g, n - start)
            im2col(x, from: start, count: gn, h: h, w: w, ho: ho, wo: wo)
            let y = output.data + start * co * l
            let bp = bias?.value.data
            if gn == 1 {
                // bias first, then the GEMM accumulates onto it
                if let bp = bp { for c in 0..<co { (y + c * l).update(repeating: bp[c], count: l) } }
                sgemm(m: co, n: l, k: k, a: weight.value.data, lda: k, b: columns.data, ldb: l,
                      beta: bp == nil ? 0 : 1, c: y, ldc: l)
            } else {
                gathered.resize([co, gn * l])
                sgemm(m: co, n: gn * l, k: k, a: weight.value.data, lda: k, b: columns.data, ldb: gn * l,
                      c: gathered.data, ldc: gn * l)
                // (Cout, G·L) → (G, Cout, L), adding the bias on the way
                let src = gathered.data
                Threads.parallelFor(gn) { gi in
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
            start += gn
        }
        return output
    }

    /// Adds the weight and bias gradients for `dy` (same shape as the output) and returns the
    /// input gradient.
    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("Conv2d.backward before forward") }
        precondition(dy.shape == output.shape, "Conv2d.backward: dy \(dy.shape) ≠ output \(output.shape)")
        let n = x.shape[0], h = x.shape[2], w = x.shape[3]
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
        let g = groupSize(n: n, l: l)
        var start = 0
        while start < n {
            let gn = min(g, n - start)
            im2col(x, from: start, count: gn, h: h, w: w, ho: ho, wo: wo)
            let dyg: UnsafeMutablePointer<Float>
            if gn == 1 {
                dyg = dy.data + start * co * l
            } else {
                gathered.resize([co, gn * l])
                let dst = gathered.data, src = dy.data + start * co * l
                Threads.parallelFor(gn) { gi in
                    for c in 0..<co {
                        (dst + c * gn * l + gi * l).update(from: src + (gi * co + c) * l, count: l)
                    }
                }
                dyg = gathered.data
            }
            let gl = gn * l
            // dW (Cout×K) += dY (Cout×GL) · colᵀ (GL×K)
            sgemm(transB: true, m: co, n: k, k: gl, a: dyg, lda: gl, b: columns.data, ldb: gl,
                  beta: 1, c: weight.grad.data, ldc: k)
            if !computesInputGradient { start += gn; continue }
            // dcol (K×GL) = Wᵀ (K×Cout) · dY (Cout×GL)
            dcol.resize([k, gl])
            sgemm(transA: true, m: k, n: gl, k: co, a: weight.value.data, lda: k, b: dyg, ldb: gl,
                  c: dcol.data, ldc: gl)
            col2im(dcol, into: gradInput, from: start, count: gn, h: h, w: w, ho: ho, wo: wo)
            start += gn
        }
        return gradInput
    }

    /// Columns (K, G·L) of images start..<start+count: row (c,i,j), column (g, oy, ox).
    private func im2col(_ x: Tensor, from start: Int, count gn: Int, h: Int, w: Int, ho: Int, wo: Int) {
        let kh = kernel.h, kw = kernel.w, l = ho * wo, gl = gn * l
        columns.resize([kSize, gl])
        let col = columns.data, src = x.data
        let (sh, sw, ph, pw, dh, dw) = (stride.h, stride.w, padding.h, padding.w, dilation.h, dilation.w)
        let cin = inChannels
        Threads.parallelFor(gn * cin) { task in
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
        Threads.parallelFor(gn * cin) { task in
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
