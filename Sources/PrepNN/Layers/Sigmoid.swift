import Foundation

/// 1 / (1 + e^−x), elementwise. Backward uses the output: dy·y·(1 − y).
public final class Sigmoid: Module {
    public let output = Tensor(shape: [0])
    public let gradInput = Tensor(shape: [0])

    public init() {}
    public func stateEntries() -> [StateEntry] { [] }

    public func forward(_ x: Tensor) -> Tensor {
        output.resize(x.shape)
        let s = x.data, d = output.data
        Threads.parallelChunks(x.count, minChunk: 1 << 15) { r in
            for i in r { d[i] = 1 / (1 + expf(-s[i])) }
        }
        return output
    }

    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == output.shape, "Sigmoid.backward: dy \(dy.shape) ≠ output \(output.shape)")
        gradInput.resize(dy.shape)
        let y = output.data, g = dy.data, d = gradInput.data
        Threads.parallelChunks(dy.count, minChunk: 1 << 15) { r in
            for i in r { d[i] = g[i] * y[i] * (1 - y[i]) }
        }
        return gradInput
    }
}
