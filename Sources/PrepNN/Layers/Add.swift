/// Elementwise sum of two tensors of the same shape (a residual connection, an FPN top-down
/// merge). Backward is the identity for both inputs: it returns the incoming gradient itself,
/// which the caller hands to both branches (neither may overwrite it).
public final class Add: Module {
    public let output = Tensor(shape: [0])

    public init() {}
    public func stateEntries() -> [StateEntry] { [] }

    public func forward(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "Add: shapes \(a.shape) and \(b.shape) differ")
        output.resize(a.shape)
        Add.sum(a.data, b.data, into: output.data, count: a.count)
        return output
    }

    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor { dy }

    /// dst = a + b over `count` elements, split over the engine's threads (dst may be a or b).
    public static func sum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>,
                           count: Int) {
        Threads.parallelChunks(count, minChunk: 1 << 16) { r in
            for i in r { dst[i] = a[i] + b[i] }
        }
    }

    /// Accumulates `b` into `a` (same shape): gradients of a tensor that fed two layers.
    public static func accumulate(_ b: Tensor, into a: Tensor) {
        precondition(a.shape == b.shape, "Add.accumulate: shapes \(a.shape) and \(b.shape) differ")
        sum(a.data, b.data, into: a.data, count: a.count)
    }
}
