import PrepNN

/// A value flowing through the interpreter: float32 data (an engine `Tensor`) or int64 data
/// (shape arithmetic: `Shape`, `Gather`, `Concat`, … and index inputs). Other ONNX element
/// types are refused when the model is read.
public enum ONNXValue {
    case float(Tensor)
    case int(shape: [Int], values: [Int64])

    public var shape: [Int] {
        switch self {
        case .float(let t): return t.shape
        case .int(let s, _): return s
        }
    }

    public var count: Int { shape.reduce(1, *) }

    /// The int64 values, or the float values truncated (for shape inputs given as floats, which
    /// no exporter writes but a hand-made graph might).
    public var ints: [Int64] {
        switch self {
        case .int(_, let v): return v
        case .float(let t): return t.values.map { Int64($0) }
        }
    }

    /// A float copy of the value (ints converted).
    public var floats: [Float] {
        switch self {
        case .float(let t): return t.values
        case .int(_, let v): return v.map { Float($0) }
        }
    }

    public var isFloat: Bool { if case .float = self { return true } else { return false } }

    /// `float` data with a new tensor (int data converted).
    public func floatTensor() -> Tensor {
        switch self {
        case .float(let t): return t
        case .int(let s, let v): return Tensor(shape: s, values: v.map { Float($0) })
        }
    }

    /// The same data viewed with another shape (same element count; data is copied for floats,
    /// since engine tensors own their buffer).
    public func reshaped(_ newShape: [Int]) -> ONNXValue {
        switch self {
        case .float(let t):
            let out = Tensor(shape: newShape)
            out.data.update(from: t.data, count: t.count)
            return .float(out)
        case .int(_, let v): return .int(shape: newShape, values: v)
        }
    }
}

/// Row-major strides of a shape.
func strides(_ shape: [Int]) -> [Int] {
    var s = [Int](repeating: 1, count: shape.count)
    var acc = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        s[i] = acc
        acc *= shape[i]
    }
    return s
}
