import PrepNN

/// Load-time rewrites of an inference graph for prep's kernels, the ones ONNX Runtime's
/// basic graph optimisations also make:
/// - **BatchNorm folding**: `Conv` → `BatchNormalization` (inference mode, constant statistics)
///   becomes one `Conv` with W′ = W·a and B′ = (B − mean)·a + β per output channel,
///   a = scale/√(var + ε); the BatchNorm node goes away.
/// - **ReLU fusion**: `Conv` → `Relu` becomes one `Conv` whose kernel applies max(0, ·) while it
///   writes its output (`ConvEpilogue`).
/// A pair is fused only when the Conv's output has no other reader and is not a graph output,
/// and every weight involved is a constant; otherwise the nodes stay as they are (and their
/// kernels report anything wrong with them).
struct ONNXFusion {
    /// The graph's nodes after fusion, each with its index in the file (for messages).
    private(set) var nodes: [(index: Int, proto: Onnx_NodeProto)] = []
    /// Output names of Conv nodes that apply a ReLU.
    private(set) var reluAfter: Set<String> = []
    /// Folded weights and biases, by the names the rewritten Conv nodes read.
    private(set) var foldedConstants: [String: ONNXValue] = [:]
    private(set) var foldedBatchNorms = 0

    init(graph: Onnx_GraphProto, initializers: [String: ONNXValue], source: String) {
        var constants = initializers
        for (i, proto) in graph.node.enumerated() where proto.opType == "Constant" && proto.output.count == 1 {
            constants[proto.output[0]] = try? ONNXInterpreter.constantValue(ONNXNode(proto, index: i, source: source))
        }
        var readers: [String: Int] = [:]
        for o in graph.output { readers[o.name, default: 0] += 1 }
        for n in graph.node { for i in n.input where !i.isEmpty { readers[i, default: 0] += 1 } }
        let outputs = Set(graph.output.map(\.name))
        /// The position in `nodes` of the Conv that alone feeds `value`, if any.
        var convProducing: [String: Int] = [:]
        func soleConv(_ value: String) -> Int? {
            guard readers[value] == 1, !outputs.contains(value), let j = convProducing[value] else { return nil }
            return j
        }
        for (i, proto) in graph.node.enumerated() {
            if proto.opType == "BatchNormalization", proto.domain.isEmpty || proto.domain == "ai.onnx",
               let x = proto.input.first, let j = soleConv(x),
               let folded = Self.fold(conv: nodes[j].proto, batchNorm: proto, constants: constants, readers: readers) {
                convProducing[x] = nil
                var conv = nodes[j].proto
                conv.input = [conv.input[0], folded.w.name, folded.b.name]
                conv.output = [proto.output[0]]
                nodes[j].proto = conv
                convProducing[proto.output[0]] = j
                foldedConstants[folded.w.name] = folded.w.value
                foldedConstants[folded.b.name] = folded.b.value
                foldedBatchNorms += 1
                continue
            }
            if proto.opType == "Relu", proto.domain.isEmpty || proto.domain == "ai.onnx", proto.input.count == 1, proto.output.count == 1,
               let j = soleConv(proto.input[0]) {
                convProducing[proto.input[0]] = nil
                nodes[j].proto.output = [proto.output[0]]
                reluAfter.insert(proto.output[0])
                continue  // a Conv with a ReLU takes no BatchNorm after it
            }
            nodes.append((i, proto))
            if proto.opType == "Conv", proto.domain.isEmpty || proto.domain == "ai.onnx", proto.output.count == 1 {
                convProducing[proto.output[0]] = nodes.count - 1
            }
        }
    }

    /// W′ and B′ of a Conv followed by an inference-mode BatchNorm, or nil when either is not
    /// foldable (non-constant or mis-shaped weights, training mode, extra outputs in use).
    private static func fold(conv: Onnx_NodeProto, batchNorm bn: Onnx_NodeProto, constants: [String: ONNXValue],
                             readers: [String: Int]) -> (w: (name: String, value: ONNXValue), b: (name: String, value: ONNXValue))? {
        guard bn.input.count == 5, bn.output.count >= 1, !bn.output[0].isEmpty,
              bn.output.dropFirst().allSatisfy({ $0.isEmpty || readers[$0] == nil }),
              conv.input.count >= 2, conv.input.count <= 3 else { return nil }
        var eps: Float = 1e-5
        for a in bn.attribute {
            switch a.name {
            case "epsilon": eps = a.f
            case "training_mode", "spatial": if a.i != (a.name == "spatial" ? 1 : 0) { return nil }
            case "momentum": break
            default: return nil
            }
        }
        guard case .float(let w)? = constants[conv.input[1]], w.shape.count == 4 else { return nil }
        let m = w.shape[0], per = w.count / max(m, 1)
        var params: [[Float]] = []
        for name in bn.input.dropFirst() {
            guard case .float(let t)? = constants[name], t.shape == [m] else { return nil }
            params.append(t.values)
        }
        var bias = [Float](repeating: 0, count: m)
        if conv.input.count == 3, !conv.input[2].isEmpty {
            guard case .float(let b)? = constants[conv.input[2]], b.shape == [m] else { return nil }
            bias = b.values
        }
        let (scale, beta, mean, variance) = (params[0], params[1], params[2], params[3])
        let wf = Tensor(shape: w.shape), bf = Tensor(shape: [m])
        for c in 0..<m {
            let a = scale[c] / (variance[c] + eps).squareRoot()
            for k in 0..<per { wf[c * per + k] = w[c * per + k] * a }
            bf[c] = (bias[c] - mean[c]) * a + beta[c]
        }
        let stem = bn.output[0]
        return ((stem + "::folded_W", .float(wf)), (stem + "::folded_B", .float(bf)))
    }
}
