/// Max pooling over NCHW (PyTorch `nn.MaxPool2d`, ceil_mode False, dilation 1). Padding cells
/// count as −∞ and never win, so CRNN's kernel (2,2) stride (2,1) padding (0,1) works.
/// Ties go to the first maximum in scan order, as PyTorch's CPU kernel does.
public final class MaxPool2d: Module {
    public let kernel: (h: Int, w: Int), stride: (h: Int, w: Int), padding: (h: Int, w: Int)
    public let output = Tensor(shape: [0])
    public let gradInput = Tensor(shape: [0])
    /// For each output cell, the flat index of the winning cell within its input plane.
    private var argmax: [Int32] = []
    private var inputShape: [Int] = []

    public init(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) {
        self.kernel = (kernel.0, kernel.1)
        let s = stride ?? kernel
        self.stride = (s.0, s.1)
        self.padding = (padding.0, padding.1)
        precondition(padding.0 * 2 <= kernel.0 && padding.1 * 2 <= kernel.1,
                     "MaxPool2d padding must be at most half the kernel (PyTorch's rule)")
    }

    public func stateEntries() -> [StateEntry] { [] }

    public func outputSize(h: Int, w: Int) -> (h: Int, w: Int) {
        ((h + 2 * padding.h - kernel.h) / stride.h + 1, (w + 2 * padding.w - kernel.w) / stride.w + 1)
    }

    /// The training forward: the winners' positions are kept for `backward`.
    public func forward(_ x: Tensor) -> Tensor { forward(x, keepsArgmax: true) }

    /// `keepsArgmax` false (inference): only the maxima are computed, none of the winners'
    /// positions (`backward` is then unavailable until the next training forward). Same values.
    public func forward(_ x: Tensor, keepsArgmax: Bool) -> Tensor {
        precondition(x.shape.count == 4, "MaxPool2d expects (N,C,H,W), got \(x.shape)")
        let planes = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3]
        let (ho, wo) = outputSize(h: h, w: w)
        precondition(ho > 0 && wo > 0, "MaxPool2d: input \(h)×\(w) too small")
        inputShape = keepsArgmax ? x.shape : []
        output.resize([x.shape[0], x.shape[1], ho, wo])
        if keepsArgmax && argmax.count < output.count { argmax = [Int32](repeating: 0, count: output.count) }
        let src = x.data, dst = output.data
        let (kh, kw, sh, sw, ph, pw) = (kernel.h, kernel.w, stride.h, stride.w, padding.h, padding.w)
        argmax.withUnsafeMutableBufferPointer { am in
            let amp = keepsArgmax ? am.baseAddress : nil
            // small planes (CRNN at batch 1): enough planes per thread to pay for the fork
            Threads.parallelChunks(planes, minChunk: max(8, 16_384 / max(h * w, 1))) { r in
                for p in r {
                    let plane = src + p * h * w
                    let out = dst + p * ho * wo, idx = amp.map { $0 + p * ho * wo }
                    if kh == 2 && kw == 2 && sh == 2 && ph == 0 && ((sw == 2 && pw == 0) || (sw == 1 && pw == 1)) {
                        // CRNN's two pools, eight outputs at a time with masks: which cell wins is
                        // data-dependent, so per-element branches would mispredict half the time.
                        for oy in 0..<ho {
                            let r0 = 2 * oy * w, r1 = r0 + w
                            var ox = 0
                            if sw == 2 {
                                while ox + 8 <= wo {
                                    let c0 = r0 + 2 * ox, c1 = r1 + 2 * ox
                                    let a = UnsafeRawPointer(plane + c0).loadUnaligned(as: SIMD16<Float>.self)
                                    let b = UnsafeRawPointer(plane + c1).loadUnaligned(as: SIMD16<Float>.self)
                                    let base = SIMD8<Int32>(0, 2, 4, 6, 8, 10, 12, 14) &+ Int32(c0)
                                    MaxPool2d.window8(a.evenHalf, a.oddHalf, b.evenHalf, b.oddHalf,
                                                      base, base &+ 1, base &+ Int32(w), base &+ Int32(w + 1),
                                                      out + oy * wo + ox, idx.map { $0 + oy * wo + ox })
                                    ox += 8
                                }
                            } else {
                                // window at ox covers columns ox−1 and ox; ox = 0 and ox = w are edges
                                ox = 1
                                while ox + 8 <= min(wo, w) {
                                    let l0 = UnsafeRawPointer(plane + r0 + ox - 1).loadUnaligned(as: SIMD8<Float>.self)
                                    let x0 = UnsafeRawPointer(plane + r0 + ox).loadUnaligned(as: SIMD8<Float>.self)
                                    let l1 = UnsafeRawPointer(plane + r1 + ox - 1).loadUnaligned(as: SIMD8<Float>.self)
                                    let x1 = UnsafeRawPointer(plane + r1 + ox).loadUnaligned(as: SIMD8<Float>.self)
                                    let base = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &+ Int32(r0 + ox - 1)
                                    MaxPool2d.window8(l0, x0, l1, x1, base, base &+ 1, base &+ Int32(w), base &+ Int32(w + 1),
                                                      out + oy * wo + ox, idx.map { $0 + oy * wo + ox })
                                    ox += 8
                                }
                                // the remaining columns (and ox = 0) go through the generic loop below
                                MaxPool2d.edgeColumn(plane, r0, r1, w, o: 0, out + oy * wo, idx.map { $0 + oy * wo })
                                while ox < wo {
                                    MaxPool2d.edgeColumn(plane, r0, r1, w, o: ox, out + oy * wo, idx.map { $0 + oy * wo })
                                    ox += 1
                                }
                                continue
                            }
                            while ox < wo {
                                let c0 = r0 + 2 * ox, c1 = r1 + 2 * ox
                                var best = plane[c0], bi = c0
                                if plane[c0 + 1] > best || plane[c0 + 1].isNaN { best = plane[c0 + 1]; bi = c0 + 1 }
                                if plane[c1] > best || plane[c1].isNaN { best = plane[c1]; bi = c1 }
                                if plane[c1 + 1] > best || plane[c1 + 1].isNaN { best = plane[c1 + 1]; bi = c1 + 1 }
                                out[oy * wo + ox] = best
                                idx?[oy * wo + ox] = Int32(bi)
                                ox += 1
                            }
                        }
                        continue
                    }
                    for oy in 0..<ho {
                        for ox in 0..<wo {
                            var best = -Float.infinity, bi = -1
                            for i in 0..<kh {
                                let iy = oy * sh - ph + i
                                if iy < 0 || iy >= h { continue }
                                for j in 0..<kw {
                                    let ix = ox * sw - pw + j
                                    if ix < 0 || ix >= w { continue }
                                    let v = plane[iy * w + ix]
                                    if v > best || bi < 0 || v.isNaN { best = v; bi = iy * w + ix }
                                }
                            }
                            out[oy * wo + ox] = best
                            idx?[oy * wo + ox] = Int32(bi)
                        }
                    }
                }
            }
        }
        return output
    }

    /// One output of the 2×2 / stride (2,1) / padding (0,1) pool at column o (columns o−1 and o,
    /// those outside the plane being padding).
    @inline(__always)
    static func edgeColumn(_ plane: UnsafeMutablePointer<Float>, _ r0: Int, _ r1: Int, _ w: Int, o: Int,
                           _ out: UnsafeMutablePointer<Float>, _ idx: UnsafeMutablePointer<Int32>?) {
        var best = -Float.infinity, bi = -1
        for r in 0..<2 {
            let row = r == 0 ? r0 : r1
            for ix in (o - 1)...o where ix >= 0 && ix < w {
                let v = plane[row + ix]
                if v > best || bi < 0 || v.isNaN { best = v; bi = row + ix }
            }
        }
        out[o] = best
        idx?[o] = Int32(bi)
    }

    /// Max of four candidates per lane in PyTorch's scan order (first maximum wins, NaN wins).
    @inline(__always)
    static func window8(_ v0: SIMD8<Float>, _ v1: SIMD8<Float>, _ v2: SIMD8<Float>, _ v3: SIMD8<Float>,
                        _ i0: SIMD8<Int32>, _ i1: SIMD8<Int32>, _ i2: SIMD8<Int32>, _ i3: SIMD8<Int32>,
                        _ out: UnsafeMutablePointer<Float>, _ idx: UnsafeMutablePointer<Int32>?) {
        // unrolled: a loop over an array literal of the candidates allocated on every call
        var best = v0, bi = i0
        let t1 = (v1 .> best) .| (v1 .!= v1)
        best.replace(with: v1, where: t1)
        let t2 = (v2 .> best) .| (v2 .!= v2)
        best.replace(with: v2, where: t2)
        let t3 = (v3 .> best) .| (v3 .!= v3)
        best.replace(with: v3, where: t3)
        UnsafeMutableRawPointer(out).storeBytes(of: best, as: SIMD8<Float>.self)
        guard let idx else { return }
        // the last candidate that took a lane is the first maximum in scan order
        bi.replace(with: i1, where: t1)
        bi.replace(with: i2, where: t2)
        bi.replace(with: i3, where: t3)
        UnsafeMutableRawPointer(idx).storeBytes(of: bi, as: SIMD8<Int32>.self)
    }

    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(!inputShape.isEmpty, "MaxPool2d.backward after an inference forward (no argmax kept)")
        precondition(dy.shape == output.shape, "MaxPool2d.backward: dy \(dy.shape) ≠ output \(output.shape)")
        gradInput.resize(inputShape)
        let planes = inputShape[0] * inputShape[1], hw = inputShape[2] * inputShape[3]
        let howo = output.shape[2] * output.shape[3]
        let g = dy.data, dx = gradInput.data
        argmax.withUnsafeBufferPointer { am in
            let amp = am.baseAddress!
            Threads.parallelChunks(planes, minChunk: 8) { r in
                for p in r {
                    let d = dx + p * hw
                    d.update(repeating: 0, count: hw)
                    let gp = g + p * howo, ip = amp + p * howo
                    for o in 0..<howo { d[Int(ip[o])] += gp[o] }
                }
            }
        }
        return gradInput
    }
}
