import PrepNN

/// Reorders the elements of `v` so that output element i comes from input element `source(i)`.
func gathered(_ v: ONNXValue, shape: [Int], source: (Int) -> Int) -> ONNXValue {
    let n = shape.reduce(1, *)
    switch v {
    case .float(let t):
        let out = Tensor(shape: shape)
        let s = t.data, d = out.data
        for i in 0..<n { d[i] = s[source(i)] }
        return .float(out)
    case .int(_, let values):
        return .int(shape: shape, values: (0..<n).map { values[source($0)] })
    }
}

/// `Transpose`: `perm[i]` is the input axis that becomes output axis i (default: reversed).
final class TransposeKernel: ONNXKernel {
    let perm: [Int]?

    init(_ ctx: ONNXKernelContext) throws {
        try ctx.node.onlyAttributes(["perm"])
        perm = ctx.node.has("perm") ? try ctx.node.ints("perm") : nil
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let x = try inputs.required(0, "data")
        let r = x.shape.count
        let p = perm ?? Array((0..<r).reversed())
        guard p.count == r, Set(p) == Set(0..<r) else { throw KernelFailure("perm \(p) does not fit an input of shape \(x.shape)") }
        let shape = p.map { x.shape[$0] }
        let inStrides = strides(x.shape), outStrides = strides(shape)
        let srcStride = p.map { inStrides[$0] }
        return [gathered(x, shape: shape) { i in
            var rest = i, src = 0
            for k in 0..<r {
                let c = rest / outStrides[k]
                rest -= c * outStrides[k]
                src += c * srcStride[k]
            }
            return src
        }]
    }
}

/// `Reshape` (0 copies the input dimension unless `allowzero`, one −1 is inferred) and
/// `Flatten` (to 2-D at `axis`).
final class ReshapeKernel: ONNXKernel {
    let allowZero: Bool
    let flattenAxis: Int?

    init(_ ctx: ONNXKernelContext, flatten: Bool) throws {
        if flatten {
            try ctx.node.onlyAttributes(["axis"])
            flattenAxis = try ctx.node.int("axis", default: 1)
            allowZero = false
        } else {
            try ctx.node.onlyAttributes(["allowzero", "shape"])
            guard !ctx.node.has("shape") else { throw ctx.node.error("Reshape-1's shape attribute is not supported (opset ≥ 5 gives shape as an input)") }
            allowZero = try ctx.node.int("allowzero", default: 0) != 0
            flattenAxis = nil
        }
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let x = try inputs.required(0, "data")
        if let flattenAxis {
            let a = flattenAxis < 0 ? flattenAxis + x.shape.count : flattenAxis
            guard a >= 0, a <= x.shape.count else { throw KernelFailure("axis \(flattenAxis) is out of range for shape \(x.shape)") }
            let outer = x.shape[..<a].reduce(1, *)
            return [x.reshaped([outer, x.count / max(outer, 1)])]
        }
        let spec = try inputs.required(1, "shape").ints
        var shape: [Int] = []
        var inferred: Int?
        for (i, d) in spec.enumerated() {
            if d == 0, !allowZero {
                guard i < x.shape.count else { throw KernelFailure("shape \(spec) copies dimension \(i) of an input of shape \(x.shape)") }
                shape.append(x.shape[i])
            } else if d == -1 {
                guard inferred == nil else { throw KernelFailure("shape \(spec) has more than one −1") }
                inferred = i
                shape.append(1)
            } else {
                guard d >= 0 else { throw KernelFailure("shape \(spec) has a negative dimension") }
                shape.append(Int(d))
            }
        }
        let known = shape.reduce(1, *)
        if let inferred {
            guard known > 0, x.count % known == 0 else { throw KernelFailure("cannot reshape \(x.shape) to \(spec)") }
            shape[inferred] = x.count / known
        }
        guard shape.reduce(1, *) == x.count else { throw KernelFailure("cannot reshape \(x.shape) (\(x.count) values) to \(spec)") }
        return [x.reshaped(shape)]
    }
}

/// `Squeeze` and `Unsqueeze`: axes as an attribute (opset < 13) or an input (≥ 13).
final class SqueezeKernel: ONNXKernel {
    let squeeze: Bool
    let attributeAxes: [Int]?

    init(_ ctx: ONNXKernelContext, squeeze: Bool) throws {
        self.squeeze = squeeze
        try ctx.node.onlyAttributes(["axes"])
        attributeAxes = ctx.node.has("axes") ? try ctx.node.ints("axes") : nil
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let x = try inputs.required(0, "data")
        let axes: [Int]? = try attributeAxes ?? (inputs.count > 1 && inputs[1] != nil ? inputs.required(1, "axes").ints.map { Int($0) } : nil)
        if squeeze {
            let r = x.shape.count
            let drop = try Set(axes.map { try $0.map { try normalizeAxis($0, rank: r) } } ?? (0..<r).filter { x.shape[$0] == 1 })
            for a in drop where x.shape[a] != 1 { throw KernelFailure("cannot squeeze axis \(a) of shape \(x.shape) (size \(x.shape[a]))") }
            return [x.reshaped(x.shape.enumerated().filter { !drop.contains($0.offset) }.map(\.element))]
        }
        guard let axes else { throw KernelFailure("axes are required") }
        let r = x.shape.count + axes.count
        let add = try Set(axes.map { try normalizeAxis($0, rank: r) })
        guard add.count == axes.count else { throw KernelFailure("axes \(axes) repeat an axis") }
        var shape: [Int] = [], it = x.shape.makeIterator()
        for i in 0..<r { shape.append(add.contains(i) ? 1 : it.next()!) }
        return [x.reshaped(shape)]
    }
}

/// `Concat` along `axis`; int64 inputs stay int64, a float among them makes the result float.
final class ConcatKernel: ONNXKernel {
    let axis: Int

    init(_ ctx: ONNXKernelContext) throws {
        try ctx.node.onlyAttributes(["axis"])
        axis = try ctx.node.int("axis")
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let parts = inputs.compactMap { $0 }
        guard let first = parts.first else { throw KernelFailure("no inputs") }
        let r = first.shape.count
        let a = try normalizeAxis(axis, rank: r)
        var shape = first.shape
        shape[a] = 0
        for p in parts {
            guard p.shape.count == r, (0..<r).allSatisfy({ $0 == a || p.shape[$0] == first.shape[$0] }) else {
                throw KernelFailure("inputs of shapes \(parts.map(\.shape)) do not concatenate along axis \(axis)")
            }
            shape[a] += p.shape[a]
        }
        let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *)
        if parts.allSatisfy({ !$0.isFloat }) {
            var out: [Int64] = []
            out.reserveCapacity(shape.reduce(1, *))
            for o in 0..<outer {
                for p in parts {
                    let chunk = p.shape[a] * inner, v = p.ints
                    out += v[(o * chunk)..<((o + 1) * chunk)]
                }
            }
            return [.int(shape: shape, values: out)]
        }
        let out = Tensor(shape: shape)
        var offset = 0
        let tensors = parts.map { $0.floatTensor() }
        for o in 0..<outer {
            for t in tensors {
                let chunk = t.shape[a] * inner
                (out.data + offset).update(from: t.data + o * chunk, count: chunk)
                offset += chunk
            }
        }
        return [.float(out)]
    }
}

/// `Gather` along `axis` with int64 indices (negative counts from the end).
final class GatherKernel: ONNXKernel {
    let axis: Int

    init(_ ctx: ONNXKernelContext) throws {
        try ctx.node.onlyAttributes(["axis"])
        axis = try ctx.node.int("axis", default: 0)
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let data = try inputs.required(0, "data"), indices = try inputs.required(1, "indices")
        guard !indices.isFloat else { throw KernelFailure("indices must be integers") }
        let a = try normalizeAxis(axis, rank: data.shape.count)
        let dim = data.shape[a]
        let idx = try indices.ints.map { i -> Int in
            let k = i < 0 ? Int(i) + dim : Int(i)
            guard k >= 0, k < dim else { throw KernelFailure("index \(i) is out of range for axis \(a) of size \(dim)") }
            return k
        }
        let inner = data.shape[(a + 1)...].reduce(1, *)
        let shape = Array(data.shape[..<a]) + indices.shape + Array(data.shape[(a + 1)...])
        let m = idx.count
        return [gathered(data, shape: shape) { i in
            let o = i / (m * inner), rest = i % (m * inner)
            return (o * dim + idx[rest / inner]) * inner + rest % inner
        }]
    }
}

/// `Shape` (with `start`/`end`, opset 15).
final class ShapeKernel: ONNXKernel {
    let start: Int, end: Int?

    init(_ ctx: ONNXKernelContext) throws {
        try ctx.node.onlyAttributes(["start", "end"])
        start = try ctx.node.int("start", default: 0)
        end = ctx.node.has("end") ? try ctx.node.int("end") : nil
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let s = try inputs.required(0, "data").shape
        let r = s.count
        func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + r : v, 0), r) }
        let lo = clamp(start), hi = clamp(end ?? r)
        let dims = lo < hi ? s[lo..<hi].map { Int64($0) } : []
        return [.int(shape: [dims.count], values: dims)]
    }
}

/// `ConstantOfShape`: a tensor of the given shape filled with `value` (default float 0).
final class ConstantOfShapeKernel: ONNXKernel {
    let fill: ONNXValue

    init(_ ctx: ONNXKernelContext) throws {
        try ctx.node.onlyAttributes(["value"])
        if let t = ctx.node.attribute("value") {
            fill = try ONNXTensorCodec.value(t.t, source: ctx.node.source, location: ctx.node.location + " attribute 'value'")
            guard fill.count == 1 else { throw ctx.node.error("attribute 'value' must hold one element") }
        } else {
            fill = .float(Tensor(shape: [1], values: [0]))
        }
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let dims = try inputs.required(0, "input").ints
        guard dims.allSatisfy({ $0 >= 0 && $0 < 1 << 31 }) else { throw KernelFailure("shape \(dims) is invalid") }
        let shape = dims.map { Int($0) }
        let n = shape.reduce(1, *)
        switch fill {
        case .float(let t):
            let out = Tensor(shape: shape)
            out.fill(t[0])
            return [.float(out)]
        case .int(_, let v): return [.int(shape: shape, values: Array(repeating: v[0], count: n))]
        }
    }
}

/// `Slice` (opset ≥ 10: starts, ends, axes, steps as inputs), with ONNX's clamping.
final class SliceKernel: ONNXKernel {
    init(_ ctx: ONNXKernelContext) throws {
        try ctx.node.onlyAttributes([])
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let data = try inputs.required(0, "data")
        let starts = try inputs.required(1, "starts").ints, ends = try inputs.required(2, "ends").ints
        let r = data.shape.count
        let axes = try (inputs.count > 3 && inputs[3] != nil ? inputs.required(3, "axes").ints.map { try normalizeAxis(Int($0), rank: r) } : Array(0..<starts.count))
        let steps = inputs.count > 4 && inputs[4] != nil ? try inputs.required(4, "steps").ints : Array(repeating: 1, count: starts.count)
        guard ends.count == starts.count, axes.count == starts.count, steps.count == starts.count else {
            throw KernelFailure("starts, ends, axes and steps have different lengths")
        }
        var begin = [Int](repeating: 0, count: r), step = [Int](repeating: 1, count: r), shape = data.shape
        for (k, a) in axes.enumerated() {
            let dim = Int64(data.shape[a]), st = steps[k]
            guard st != 0 else { throw KernelFailure("step 0") }
            func resolve(_ v: Int64) -> Int64 { v < 0 ? v + dim : v }
            var s = resolve(starts[k]), e = resolve(ends[k])
            if st > 0 {
                s = min(max(s, 0), dim); e = min(max(e, 0), dim)
                shape[a] = Int(max(0, (e - s + st - 1) / st))
            } else {
                s = min(max(s, 0), dim - 1); e = min(max(e, -1), dim - 1)
                shape[a] = Int(max(0, (s - e + (-st) - 1) / (-st)))
            }
            begin[a] = Int(s)
            step[a] = Int(st)
        }
        let inStrides = strides(data.shape), outStrides = strides(shape)
        return [gathered(data, shape: shape) { i in
            var rest = i, src = 0
            for k in 0..<r {
                let c = rest / outStrides[k]
                rest -= c * outStrides[k]
                src += (begin[k] + c * step[k]) * inStrides[k]
            }
            return src
        }]
    }
}

/// `Cast` to float (FLOAT, DOUBLE, FLOAT16) or integer types (kept as int64).
final class CastKernel: ONNXKernel {
    let toFloat: Bool

    init(_ ctx: ONNXKernelContext) throws {
        try ctx.node.onlyAttributes(["to", "saturate"])
        let to = Int32(try ctx.node.int("to"))
        switch to {
        case ONNXTensorCodec.float, ONNXTensorCodec.double, 10: toFloat = true
        case ONNXTensorCodec.int64, ONNXTensorCodec.int32, ONNXTensorCodec.int8, ONNXTensorCodec.uint8, ONNXTensorCodec.bool, 5, 4, 12, 13: toFloat = false
        default: throw ctx.node.error("cast to element type \(to) (\(ONNXTensorCodec.typeName(to))) is not supported")
        }
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let x = try inputs.required(0, "input")
        if toFloat { return [.float(x.floatTensor())] }
        return [.int(shape: x.shape, values: x.ints)]
    }
}
