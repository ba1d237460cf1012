import PrepNN

/// ONNX `LSTM` (forward or bidirectional, default activations, layout 0, zero initial state)
/// on the engine's `LSTM`. ONNX stacks the gate rows [i; o; f; c] where PyTorch and the engine
/// stack [i; f; g; o], and splits the bias into B = [Wb; Rb] (lean-core.md §6.3).
final class LSTMKernel: ONNXKernel {
    let lstm: LSTM
    let y = Tensor(shape: [0]), yh = Tensor(shape: [0])
    let wantsY: Bool, wantsYh: Bool

    /// PyTorch block k (i, f, g, o) comes from ONNX block `onnxBlock[k]` (i, o, f, c).
    static let onnxBlock = [0, 2, 3, 1]

    init(_ ctx: ONNXKernelContext) throws {
        let node = ctx.node
        try node.onlyAttributes(["hidden_size", "direction", "layout", "activations", "clip", "input_forget",
                                 "activation_alpha", "activation_beta"])
        let direction = try node.string("direction", default: "forward")
        guard direction == "forward" || direction == "bidirectional" else {
            throw node.error("direction '\(direction)' is not supported (forward, bidirectional)")
        }
        let dirs = direction == "bidirectional" ? 2 : 1
        guard try node.int("layout", default: 0) == 0 else { throw node.error("layout 1 (batch-first) is not supported") }
        guard try node.int("input_forget", default: 0) == 0 else { throw node.error("input_forget 1 is not supported") }
        guard !node.has("clip") else { throw node.error("clip is not supported") }
        if let acts = try node.strings("activations") {
            let standard = Array(repeating: ["Sigmoid", "Tanh", "Tanh"], count: dirs).flatMap { $0 }
            guard acts.map({ $0.lowercased() }) == standard.map({ $0.lowercased() }) else {
                throw node.error("activations \(acts) are not supported (only Sigmoid, Tanh, Tanh)")
            }
        }
        let w = try ctx.constant(1, "W"), r = try ctx.constant(2, "R")
        guard w.shape.count == 3, w.shape[0] == dirs, w.shape[1] % 4 == 0 else { throw node.error("W has shape \(w.shape), expected [\(dirs), 4H, I]") }
        let h = w.shape[1] / 4, inSize = w.shape[2]
        guard h > 0, inSize > 0 else { throw node.error("W has shape \(w.shape): empty hidden or input size") }
        if node.has("hidden_size"), try node.int("hidden_size") != h {
            throw node.error("hidden_size \(try node.int("hidden_size")) does not match W's shape \(w.shape)")
        }
        guard r.shape == [dirs, 4 * h, h] else { throw node.error("R has shape \(r.shape), expected [\(dirs), \(4 * h), \(h)]") }
        let b = try ctx.optionalConstant(3, "B")
        if let b, b.shape != [dirs, 8 * h] { throw node.error("B has shape \(b.shape), expected [\(dirs), \(8 * h)]") }
        if let pName = node.input(7) {
            guard let p = ctx.constants[pName], p.floats.allSatisfy({ $0 == 0 }) else {
                throw node.error("peephole weights P are not supported")
            }
        }
        if node.outputs.count > 2, !node.outputs[2].isEmpty, ctx.consumed.contains(node.outputs[2]) {
            throw node.error("the Y_c output (last cell state) is not supported")
        }
        wantsY = !node.outputs.isEmpty && !node.outputs[0].isEmpty
        wantsYh = node.outputs.count > 1 && !node.outputs[1].isEmpty && ctx.consumed.contains(node.outputs[1])
        lstm = LSTM(inputSize: inSize, hiddenSize: h, bidirectional: dirs == 2)
        lstm.setTraining(false)  // inference only: packed weights (PackedKernels)
        let wf = w.floats, rf = r.floats, bf = b?.floats ?? [Float](repeating: 0, count: dirs * 8 * h)
        for (d, direction) in lstm.directions.enumerated() {
            Self.copyGates(wf, from: d * 4 * h * inSize, rowLength: inSize, hidden: h, into: direction.weightIH.value)
            Self.copyGates(rf, from: d * 4 * h * h, rowLength: h, hidden: h, into: direction.weightHH.value)
            Self.copyGates(bf, from: d * 8 * h, rowLength: 1, hidden: h, into: direction.biasIH.value)
            Self.copyGates(bf, from: d * 8 * h + 4 * h, rowLength: 1, hidden: h, into: direction.biasHH.value)
        }
    }

    /// Copies 4 blocks of `hidden` rows from ONNX order into the engine's order.
    static func copyGates(_ src: [Float], from offset: Int, rowLength: Int, hidden h: Int, into t: Tensor) {
        let block = h * rowLength
        src.withUnsafeBufferPointer { s in
            for k in 0..<4 {
                (t.data + k * block).update(from: s.baseAddress! + offset + onnxBlock[k] * block, count: block)
            }
        }
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let x = try inputs.float(0, "X")
        let h = lstm.hiddenSize, dirs = lstm.directions.count
        guard x.shape.count == 3, x.shape[2] == lstm.inputSize, x.shape[0] >= 1 else {
            throw KernelFailure("X has shape \(x.shape), expected (T, N, \(lstm.inputSize))")
        }
        let steps = x.shape[0], n = x.shape[1]
        if inputs.count > 4, let lens = inputs[4] {
            guard lens.ints.allSatisfy({ $0 == Int64(steps) }) else {
                throw KernelFailure("sequence_lens shorter than the sequence are not supported")
            }
        }
        for (i, what) in [(5, "initial_h"), (6, "initial_c")] where inputs.count > i {
            if let v = inputs[i] {
                guard v.shape == [dirs, n, h] else { throw KernelFailure("\(what) has shape \(v.shape), expected [\(dirs), \(n), \(h)]") }
                guard v.floats.allSatisfy({ $0 == 0 }) else { throw KernelFailure("a non-zero \(what) is not supported") }
            }
        }
        let out = lstm.forward(x)  // (T, N, D·H)
        var results: [ONNXValue] = []
        // Y (T, D, N, H)
        y.resize(wantsY ? [steps, dirs, n, h] : [0])
        if wantsY {
            for t in 0..<steps {
                for d in 0..<dirs {
                    for b in 0..<n {
                        (y.data + ((t * dirs + d) * n + b) * h).update(from: out.data + (t * n + b) * dirs * h + d * h, count: h)
                    }
                }
            }
        }
        results.append(.float(y))
        if wantsYh {
            // The last step of each direction: t = T−1 forward, t = 0 backward.
            yh.resize([dirs, n, h])
            for d in 0..<dirs {
                let t = d == 0 ? steps - 1 : 0
                for b in 0..<n { (yh.data + (d * n + b) * h).update(from: out.data + (t * n + b) * dirs * h + d * h, count: h) }
            }
            results.append(.float(yh))
        }
        return results
    }
}
