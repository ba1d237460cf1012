/// Resizes NCHW feature maps to a given size, as PyTorch's `F.interpolate(x, size=…)`:
/// `nearest` (source index ⌊dst·in/out⌋ in float32, clamped) or `bilinear` with
/// align_corners = False (source coordinate (dst + 0.5)·in/out − 0.5, clamped at 0, the upper
/// neighbour clamped at the edge). Backward scatters each output gradient to the cells it read.
public final class Upsample: Module {
    public enum Mode { case nearest, bilinear }
    public let mode: Mode
    public let output = Tensor(shape: [0])
    public let gradInput = Tensor(shape: [0])
    private var inputShape: [Int] = []

    public init(mode: Mode = .nearest) { self.mode = mode }
    public func stateEntries() -> [StateEntry] { [] }

    /// For one axis: the two source indices and the weight of the second, per output index.
    /// Nearest uses only the first index (weight 0).
    private func taps(input: Int, output: Int) -> [(Int, Int, Float)] {
        let scale = Float(input) / Float(output)
        return (0..<output).map { o in
            switch mode {
            case .nearest:
                let i = input == output ? o : min(Int((Float(o) * scale).rounded(.down)), input - 1)
                return (i, i, 0)
            case .bilinear:
                let src = max(scale * (Float(o) + 0.5) - 0.5, 0)
                let i0 = min(Int(src), input - 1)
                let i1 = i0 < input - 1 ? i0 + 1 : i0
                return (i0, i1, src - Float(i0))
            }
        }
    }

    /// (N, C, H, W) → (N, C, height, width).
    public func forward(_ x: Tensor, height: Int, width: Int) -> Tensor {
        precondition(x.shape.count == 4 && height > 0 && width > 0, "Upsample expects (N,C,H,W), got \(x.shape)")
        inputShape = x.shape
        let planes = x.shape[0] * x.shape[1], h = x.shape[2], w = x.shape[3]
        output.resize([x.shape[0], x.shape[1], height, width])
        let ty = taps(input: h, output: height), tx = taps(input: w, output: width)
        let src = x.data, dst = output.data, bilinear = mode == .bilinear
        Threads.parallelChunks(planes, minChunk: 4) { r in
            for p in r {
                let plane = src + p * h * w, out = dst + p * height * width
                for oy in 0..<height {
                    let (y0, y1, ly) = ty[oy]
                    let row = out + oy * width, r0 = plane + y0 * w, r1 = plane + y1 * w
                    if bilinear {
                        for ox in 0..<width {
                            let (x0, x1, lx) = tx[ox]
                            let top = r0[x0] * (1 - lx) + r0[x1] * lx
                            let bottom = r1[x0] * (1 - lx) + r1[x1] * lx
                            row[ox] = top * (1 - ly) + bottom * ly
                        }
                    } else if width == 2 * w {
                        for ox in 0..<w { let v = r0[ox]; row[2 * ox] = v; row[2 * ox + 1] = v }
                    } else {
                        for ox in 0..<width { row[ox] = r0[tx[ox].0] }
                    }
                }
            }
        }
        return output
    }

    /// The input gradient (N, C, H, W) for an output gradient.
    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == output.shape, "Upsample.backward: dy \(dy.shape) ≠ output \(output.shape)")
        gradInput.resize(inputShape)
        let planes = inputShape[0] * inputShape[1], h = inputShape[2], w = inputShape[3]
        let height = output.shape[2], width = output.shape[3]
        let ty = taps(input: h, output: height), tx = taps(input: w, output: width)
        let g = dy.data, dx = gradInput.data, bilinear = mode == .bilinear
        Threads.parallelChunks(planes, minChunk: 4) { r in
            for p in r {
                let plane = dx + p * h * w, gp = g + p * height * width
                plane.update(repeating: 0, count: h * w)
                for oy in 0..<height {
                    let (y0, y1, ly) = ty[oy]
                    let row = gp + oy * width, r0 = plane + y0 * w, r1 = plane + y1 * w
                    if bilinear {
                        for ox in 0..<width {
                            let (x0, x1, lx) = tx[ox]
                            let v = row[ox]
                            r0[x0] += v * (1 - ly) * (1 - lx)
                            r0[x1] += v * (1 - ly) * lx
                            r1[x0] += v * ly * (1 - lx)
                            r1[x1] += v * ly * lx
                        }
                    } else {
                        for ox in 0..<width { r0[tx[ox].0] += row[ox] }
                    }
                }
            }
        }
        return gradInput
    }
}
