/// y = x·Wᵀ + b (PyTorch `nn.Linear`). The input is any shape whose last dimension is
/// `inFeatures`; the output replaces it with `outFeatures`. State dict: weight [out, in], bias [out].
public final class Linear: Module {
    public let inFeatures: Int, outFeatures: Int
    public let weight: Parameter
    public let bias: Parameter?
    public let output = Tensor(shape: [0])
    public let gradInput = Tensor(shape: [0])
    private var input: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = Parameter("weight", shape: [outFeatures, inFeatures])
        self.bias = bias ? Parameter("bias", shape: [outFeatures]) : nil
    }

    public func stateEntries() -> [StateEntry] { weightAndBias(weight, bias) }

    /// PyTorch's default init: U(±1/√in) for weight and bias.
    public func resetPyTorchDefault(_ rng: inout RNG) {
        resetUniform(weight, bias, fanIn: inFeatures, &rng)
    }

    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.shape.last == inFeatures, "Linear expects (…, \(inFeatures)), got \(x.shape)")
        input = x
        let rows = x.count / inFeatures
        output.resize(Array(x.shape.dropLast()) + [outFeatures])
        if let b = bias {
            for r in 0..<rows { (output.data + r * outFeatures).update(from: b.value.data, count: outFeatures) }
        }
        gemmRows(transB: true, m: rows, n: outFeatures, k: inFeatures, a: x.data, lda: inFeatures,
              b: weight.value.data, ldb: inFeatures, beta: bias == nil ? 0 : 1, c: output.data, ldc: outFeatures)
        return output
    }

    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("Linear.backward before forward") }
        precondition(dy.shape == output.shape, "Linear.backward: dy \(dy.shape) ≠ output \(output.shape)")
        let rows = x.count / inFeatures
        // dW (out×in) += dyᵀ (out×rows) · x (rows×in)
        gemmRows(transA: true, m: outFeatures, n: inFeatures, k: rows, a: dy.data, lda: outFeatures,
              b: x.data, ldb: inFeatures, beta: 1, c: weight.grad.data, ldc: inFeatures)
        if let b = bias {
            let gb = b.grad.data
            for r in 0..<rows {
                let row = dy.data + r * outFeatures
                for j in 0..<outFeatures { gb[j] += row[j] }
            }
        }
        gradInput.resize(x.shape)
        gemmRows(m: rows, n: inFeatures, k: outFeatures, a: dy.data, lda: outFeatures,
              b: weight.value.data, ldb: inFeatures, c: gradInput.data, ldc: inFeatures)
        return gradInput
    }
}
