import PrepNN

/// One node's compiled computation. Built once when the model is loaded (weights copied into
/// engine layers, attributes checked), run for every inference. A kernel owns its output
/// tensors and reuses them across runs.
protocol ONNXKernel: AnyObject {
    /// `inputs[i]` is nil for an omitted optional input. Returns one value per node output
    /// (outputs the graph never reads may be left out at the end).
    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue]
}

/// A failure inside a kernel; the interpreter adds the file and node.
struct KernelFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// What a kernel sees when it is built: the node, the constants known at load time
/// (initializers and Constant outputs), the opset, and which values the graph reads.
struct ONNXKernelContext {
    let node: ONNXNode
    let constants: [String: ONNXValue]
    let opset: Int
    let consumed: Set<String>
    /// How many node inputs read each value (graph outputs count as one more).
    let readers: [String: Int]
    let graphInputs: Set<String>
    let convScratch: ConvScratch
    /// A Conv whose Relu was fused into it (`ONNXFusion`).
    var fusedReLU = false

    /// Whether input `i` may be overwritten by this node: an intermediate value (not a graph
    /// input or constant) that no one else reads. The producer rewrites it on the next run anyway.
    func ownsInput(_ i: Int) -> Bool {
        guard let name = node.input(i) else { return false }
        return constants[name] == nil && !graphInputs.contains(name) && readers[name] == 1
    }

    /// The constant at input `i`, required.
    func constant(_ i: Int, _ what: String) throws -> ONNXValue {
        guard let name = node.input(i) else { throw node.error("input \(i) (\(what)) is required") }
        guard let v = constants[name] else {
            throw node.error("input '\(name)' (\(what)) must be a constant (an initializer or a Constant node)")
        }
        return v
    }

    func optionalConstant(_ i: Int, _ what: String) throws -> ONNXValue? {
        guard node.input(i) != nil else { return nil }
        return try constant(i, what)
    }

    /// A float constant with the given shape.
    func floats(_ i: Int, _ what: String, shape: [Int]) throws -> [Float] {
        let v = try constant(i, what)
        guard v.shape == shape else { throw node.error("\(what) '\(node.inputs[i])' has shape \(v.shape), expected \(shape)") }
        return v.floats
    }
}

/// Input helpers for kernels.
extension Array where Element == ONNXValue? {
    func required(_ i: Int, _ what: String) throws -> ONNXValue {
        guard i < count, let v = self[i] else { throw KernelFailure("input \(i) (\(what)) is missing") }
        return v
    }

    func float(_ i: Int, _ what: String) throws -> Tensor {
        let v = try required(i, what)
        guard case .float(let t) = v else { throw KernelFailure("input \(i) (\(what)) must be float, got int64") }
        return t
    }
}

/// Resolves a possibly negative axis against a rank.
func normalizeAxis(_ axis: Int, rank: Int) throws -> Int {
    let a = axis < 0 ? axis + rank : axis
    guard a >= 0, a < rank else { throw KernelFailure("axis \(axis) is out of range for rank \(rank)") }
    return a
}
