/// max(0, x). Backward passes the gradient where the output was positive.
public final class ReLU: Module {
    public let output = Tensor(shape: [0])
    public let gradInput = Tensor(shape: [0])
    public init() {}
    public func stateEntries() -> [StateEntry] { [] }

    public func forward(_ x: Tensor) -> Tensor {
        output.resize(x.shape)
        let s = x.data, d = output.data
        Threads.parallelChunks(x.count, minChunk: 1 << 16) { r in
            for i in r { d[i] = max(s[i], 0) }
        }
        return output
    }

    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == output.shape, "ReLU.backward: dy \(dy.shape) ≠ output \(output.shape)")
        gradInput.resize(dy.shape)
        let y = output.data, g = dy.data, d = gradInput.data
        Threads.parallelChunks(dy.count, minChunk: 1 << 16) { r in
            for i in r { d[i] = y[i] > 0 ? g[i] : 0 }
        }
        return gradInput
    }
}
