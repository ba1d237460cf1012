import Foundation
import PrepNN

/// Unary float ops: `Relu`, `Sigmoid`, `Tanh`, `Identity` (any type), `Dropout` (inference: identity).
final class UnaryKernel: ONNXKernel {
    enum Op { case relu, sigmoid, tanh, identity }
    let op: Op
    let output = Tensor(shape: [0])
    /// Relu on a value only it reads rewrites that value (as the engine's in-place ReLU).
    let inPlace: Bool

    init(_ ctx: ONNXKernelContext, _ op: Op) throws {
        self.op = op
        inPlace = op == .relu && ctx.ownsInput(0)
        if ctx.node.op == "Dropout" {
            if ctx.node.outputs.count > 1, ctx.consumed.contains(ctx.node.outputs[1]) { throw ctx.node.error("the mask output is not supported") }
        } else {
            try ctx.node.onlyAttributes([])
        }
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let v = try inputs.required(0, "X")
        if op == .identity { return [v] }
        guard case .float(let x) = v else { throw KernelFailure("X must be float") }
        let out = inPlace ? x : output
        out.resize(x.shape)
        let s = x.data, d = out.data, n = x.count
        switch op {
        case .relu: for i in 0..<n { d[i] = s[i] > 0 ? s[i] : 0 }
        case .sigmoid: for i in 0..<n { d[i] = 1 / (1 + expf(-s[i])) }
        case .tanh: for i in 0..<n { d[i] = tanhf(s[i]) }
        case .identity: break
        }
        return [.float(out)]
    }
}

/// `Add`, `Sub`, `Mul`, `Div` with numpy (multidirectional) broadcasting, on float or int64
/// data (int64 when both inputs are int64: shape arithmetic).
final class BinaryKernel: ONNXKernel {
    enum Op { case add, sub, mul, div }
    let op: Op
    let output = Tensor(shape: [0])

    init(_ ctx: ONNXKernelContext, _ op: Op) throws {
        self.op = op
        try ctx.node.onlyAttributes([])
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let a = try inputs.required(0, "A"), b = try inputs.required(1, "B")
        let shape = try broadcastShape(a.shape, b.shape)
        let n = shape.reduce(1, *)
        let ia = broadcastIndex(from: a.shape, to: shape), ib = broadcastIndex(from: b.shape, to: shape)
        if case .int(_, let av) = a, case .int(_, let bv) = b {
            var out = [Int64](repeating: 0, count: n)
            for i in 0..<n {
                let x = av[ia(i)], y = bv[ib(i)]
                switch op {
                case .add: out[i] = x &+ y
                case .sub: out[i] = x &- y
                case .mul: out[i] = x &* y
                case .div:
                    guard y != 0 else { throw KernelFailure("integer division by zero") }
                    out[i] = x / y
                }
            }
            return [.int(shape: shape, values: out)]
        }
        let ta = a.floatTensor(), tb = b.floatTensor()
        output.resize(shape)
        let pa = ta.data, pb = tb.data, d = output.data
        if ta.shape == shape, tb.count == 1 || tb.shape == shape || shape.last.map({ tb.count == $0 && tb.shape.last == $0 }) == true {
            // Fast path: B is a scalar, the same shape, or a vector along the last axis (a bias).
            let m = tb.count
            switch op {
            case .add: for i in 0..<n { d[i] = pa[i] + pb[i % m] }
            case .sub: for i in 0..<n { d[i] = pa[i] - pb[i % m] }
            case .mul: for i in 0..<n { d[i] = pa[i] * pb[i % m] }
            case .div: for i in 0..<n { d[i] = pa[i] / pb[i % m] }
            }
        } else {
            for i in 0..<n {
                let x = pa[ia(i)], y = pb[ib(i)]
                switch op {
                case .add: d[i] = x + y
                case .sub: d[i] = x - y
                case .mul: d[i] = x * y
                case .div: d[i] = x / y
                }
            }
        }
        return [.float(output)]
    }
}

/// numpy's broadcast of two shapes.
func broadcastShape(_ a: [Int], _ b: [Int]) throws -> [Int] {
    let r = max(a.count, b.count)
    let pa = Array(repeating: 1, count: r - a.count) + a, pb = Array(repeating: 1, count: r - b.count) + b
    var out: [Int] = []
    for i in 0..<r {
        guard pa[i] == pb[i] || pa[i] == 1 || pb[i] == 1 else { throw KernelFailure("shapes \(a) and \(b) do not broadcast") }
        out.append(pa[i] == 1 ? pb[i] : pa[i])
    }
    return out
}

/// Maps a flat index of `target` to the flat index of the broadcast source `shape`.
func broadcastIndex(from shape: [Int], to target: [Int]) -> (Int) -> Int {
    if shape == target { return { $0 } }
    let count = shape.reduce(1, *)
    if count == 1 { return { _ in 0 } }
    let padded = Array(repeating: 1, count: target.count - shape.count) + shape
    let srcStrides = strides(padded), dstStrides = strides(target)
    return { i in
        var rest = i, src = 0
        for k in 0..<target.count {
            let coord = rest / dstStrides[k]
            rest -= coord * dstStrides[k]
            if padded[k] != 1 { src += coord * srcStrides[k] }
        }
        return src
    }
}

/// `Softmax` / `LogSoftmax`: from opset 13 over one axis (default −1); before 13 over the
/// input flattened to 2-D at `axis` (default 1).
final class SoftmaxKernel: ONNXKernel {
    let axis: Int, coerce2D: Bool, log: Bool
    let output = Tensor(shape: [0])

    init(_ ctx: ONNXKernelContext, log: Bool) throws {
        try ctx.node.onlyAttributes(["axis"])
        coerce2D = ctx.opset < 13
        axis = try ctx.node.int("axis", default: coerce2D ? 1 : -1)
        self.log = log
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let x = try inputs.float(0, "input")
        let ax = try normalizeAxis(axis, rank: max(x.shape.count, 1))
        let outer: Int, len: Int, inner: Int
        if coerce2D {
            outer = x.shape[..<ax].reduce(1, *)
            len = x.count / max(outer, 1)
            inner = 1
        } else {
            outer = x.shape[..<ax].reduce(1, *)
            len = x.shape[ax]
            inner = x.shape[(ax + 1)...].reduce(1, *)
        }
        output.resize(x.shape)
        let s = x.data, d = output.data
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * len * inner + i
                var mx = -Float.infinity
                for j in 0..<len { mx = max(mx, s[base + j * inner]) }
                var sum: Float = 0
                for j in 0..<len { let e = expf(s[base + j * inner] - mx); d[base + j * inner] = e; sum += e }
                for j in 0..<len {
                    let p = base + j * inner
                    d[p] = log ? (s[p] - mx) - logf(sum) : d[p] / sum
                }
            }
        }
        return [.float(output)]
    }
}
