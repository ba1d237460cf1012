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

    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.shape.count == 4, "MaxPool2d expects (N,C,H,W), got \(x.shape)")
        let planes = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3]
        let (ho, wo) = outputSize(h: h, w: w)
        precondition(ho > 0 && wo > 0, "MaxPool2d: input \(h)×\(w) too small")
        inputShape = x.shape
        output.resize([x.shape[0], x.shape[1], ho, wo])
        if argmax.count < output.count { argmax = [Int32](repeating: 0, count: output.count) }
        let src = x.data, dst = output.data
        let (kh, kw, sh, sw, ph, pw) = (kernel.h, kernel.w, stride.h, stride.w, padding.h, padding.w)
        argmax.withUnsafeMutableBufferPointer { am in
            let amp = am.baseAddress!
            Threads.parallelChunks(planes, minChunk: 8) { r in
                for p in r {
                    let plane = src + p * h * w
                    let out = dst + p * ho * wo, idx = amp + p * ho * wo
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
                            idx[oy * wo + ox] = Int32(bi)
                        }
                    }
                }
            }
        }
        return output
    }

    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor {
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
