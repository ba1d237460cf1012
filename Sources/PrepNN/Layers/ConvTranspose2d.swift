/// Transposed 2-D convolution (PyTorch `nn.ConvTranspose2d`, groups = 1, dilation 1) over NCHW:
/// each input cell scatters a weighted kernel into the output. State dict: `weight`
/// [Cin, Cout, kh, kw] (PyTorch's layout), `bias` [Cout].
///
/// Output size: (H − 1)·stride − 2·padding + kernel + outputPadding. Computed per image as one
/// GEMM, columns = Wᵀ·x (Cout·kh·kw × H·W), then col2im onto the output — the adjoint of a
/// convolution with the same geometry — and backward is that convolution's forward (im2col of
/// dy). DBNet's head uses kernel 2, stride 2, where col2im is a plain interleave.
/// Keeps its input by reference for backward.
public final class ConvTranspose2d: Module {
    public let inChannels: Int, outChannels: Int
    public let kernel: (h: Int, w: Int), stride: (h: Int, w: Int)
    public let padding: (h: Int, w: Int), outputPadding: (h: Int, w: Int)
    public let weight: Parameter
    public let bias: Parameter?
    public let output = Tensor(shape: [0])
    public let gradInput = Tensor(shape: [0])
    private let columns = Tensor(shape: [0])
    private var input: Tensor?

    public init(_ inChannels: Int, _ outChannels: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), outputPadding: (Int, Int) = (0, 0), bias: Bool = true) {
        precondition(outputPadding.0 < max(stride.0, 1) && outputPadding.1 < max(stride.1, 1),
                     "ConvTranspose2d: output padding must be smaller than the stride (PyTorch's rule)")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = (kernel.0, kernel.1)
        self.stride = (stride.0, stride.1)
        self.padding = (padding.0, padding.1)
        self.outputPadding = (outputPadding.0, outputPadding.1)
        weight = Parameter("weight", shape: [inChannels, outChannels, kernel.0, kernel.1])
        self.bias = bias ? Parameter("bias", shape: [outChannels]) : nil
    }

    public func stateEntries() -> [StateEntry] { weightAndBias(weight, bias) }

    /// PyTorch's default init: U(±1/√fan_in) on weight and bias, where PyTorch takes fan_in
    /// from the weight's second dimension, i.e. Cout·kh·kw for a transposed convolution.
    public func resetPyTorchDefault(_ rng: inout RNG) {
        resetUniform(weight, bias, fanIn: outChannels * kernel.h * kernel.w, &rng)
    }

    public func outputSize(h: Int, w: Int) -> (h: Int, w: Int) {
        ((h - 1) * stride.h - 2 * padding.h + kernel.h + outputPadding.h,
         (w - 1) * stride.w - 2 * padding.w + kernel.w + outputPadding.w)
    }

    private var geometry: ConvGeometry {
        ConvGeometry(kernel: kernel, stride: stride, padding: padding, dilation: (1, 1))
    }

    private var kSize: Int { outChannels * kernel.h * kernel.w }

    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == inChannels,
                     "ConvTranspose2d expects (N,\(inChannels),H,W), got \(x.shape)")
        input = x
        let n = x.shape[0], h = x.shape[2], w = x.shape[3], l = h * w
        let (ho, wo) = outputSize(h: h, w: w)
        precondition(ho > 0 && wo > 0, "ConvTranspose2d: output \(ho)×\(wo) is empty")
        output.resize([n, outChannels, ho, wo])
        columns.resize([kSize, l])
        let k = kSize, cin = inChannels, co = outChannels, geo = geometry
        let cols = columns.data, weights = weight.value.data, bp = bias?.value.data
        for i in 0..<n {
            // columns (Cout·kh·kw × L) = Wᵀ (K × Cin) · x (Cin × L)
            gemmRows(transA: true, m: k, n: l, k: cin, a: weights, lda: k, b: x.data + i * cin * l, ldb: l,
                     c: cols, ldc: l)
            let y = output.data + i * co * ho * wo
            Threads.parallelChunks(co) { r in
                geo.col2im(cols, ld: l, channels: r, h: ho, w: wo, ho: h, wo: w, into: y)
                if let bp = bp {
                    for c in r {
                        let p = y + c * ho * wo, b = bp[c]
                        for j in 0..<(ho * wo) { p[j] += b }
                    }
                }
            }
        }
        return output
    }

    /// Adds weight and bias gradients and returns the input gradient.
    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("ConvTranspose2d.backward before forward") }
        precondition(dy.shape == output.shape, "ConvTranspose2d.backward: dy \(dy.shape) ≠ output \(output.shape)")
        let n = x.shape[0], h = x.shape[2], w = x.shape[3], l = h * w
        let ho = output.shape[2], wo = output.shape[3], lo = ho * wo
        let k = kSize, cin = inChannels, co = outChannels, geo = geometry
        gradInput.resize(x.shape)
        if let b = bias {
            let gb = b.grad.data, d = dy.data
            Threads.parallelChunks(co) { r in
                for c in r {
                    var s: Float = 0
                    for i in 0..<n {
                        let row = d + (i * co + c) * lo
                        for j in 0..<lo { s += row[j] }
                    }
                    gb[c] += s
                }
            }
        }
        columns.resize([k, l])
        let cols = columns.data, weights = weight.value.data
        for i in 0..<n {
            let dyi = dy.data + i * co * lo
            Threads.parallelChunks(co) { r in
                geo.im2col(dyi, channels: r, h: ho, w: wo, ho: h, wo: w, into: cols, ld: l)
            }
            let xi = x.data + i * cin * l
            // dW (Cin × K) += x (Cin × L) · colsᵀ (L × K)
            gemmRows(transB: true, m: cin, n: k, k: l, a: xi, lda: l, b: cols, ldb: l, beta: 1,
                     c: weight.grad.data, ldc: k)
            // dx (Cin × L) = W (Cin × K) · cols (K × L)
            gemmRows(m: cin, n: l, k: k, a: weights, lda: k, b: cols, ldb: l, c: gradInput.data + i * cin * l, ldc: l)
        }
        return gradInput
    }
}
