/// Concatenates NCHW tensors of equal N, H, W along channels (`torch.cat(xs, dim=1)`);
/// backward splits the gradient back into one tensor per input.
public final class Concat: Module {
    public let output = Tensor(shape: [0])
    /// One gradient per input of the last forward, in input order.
    public private(set) var gradInputs: [Tensor] = []
    private var channels: [Int] = []

    public init() {}
    public func stateEntries() -> [StateEntry] { [] }

    public func forward(_ xs: [Tensor]) -> Tensor {
        precondition(!xs.isEmpty && xs.allSatisfy { $0.shape.count == 4 }, "Concat expects NCHW tensors")
        let n = xs[0].shape[0], h = xs[0].shape[2], w = xs[0].shape[3]
        precondition(xs.allSatisfy { $0.shape[0] == n && $0.shape[2] == h && $0.shape[3] == w },
                     "Concat: shapes differ beyond channels: \(xs.map(\.shape))")
        channels = xs.map { $0.shape[1] }
        let total = channels.reduce(0, +), l = h * w
        output.resize([n, total, h, w])
        let dst = output.data
        Threads.parallelFor(n) { i in
            var c0 = 0
            for (x, c) in zip(xs, channels) {
                (dst + (i * total + c0) * l).update(from: x.data + i * c * l, count: c * l)
                c0 += c
            }
        }
        return output
    }

    @discardableResult
    public func backward(_ dy: Tensor) -> [Tensor] {
        precondition(dy.shape == output.shape, "Concat.backward: dy \(dy.shape) ≠ output \(output.shape)")
        while gradInputs.count < channels.count { gradInputs.append(Tensor(shape: [0])) }
        let n = dy.shape[0], total = dy.shape[1], l = dy.shape[2] * dy.shape[3]
        var c0 = 0
        for (k, c) in channels.enumerated() {
            let g = gradInputs[k]
            g.resize([n, c, dy.shape[2], dy.shape[3]])
            for i in 0..<n { (g.data + i * c * l).update(from: dy.data + (i * total + c0) * l, count: c * l) }
            c0 += c
        }
        return Array(gradInputs.prefix(channels.count))
    }
}
