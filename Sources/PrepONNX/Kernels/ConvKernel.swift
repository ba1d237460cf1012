import PrepNN

/// `Conv` (2-D, group 1) on the engine's `Conv2d`. ONNX `pads` are [top, left, bottom, right];
/// the engine pads symmetrically, so asymmetric pads are refused.
final class ConvKernel: ONNXKernel {
    let conv: Conv2d
    /// A fused Relu (`ONNXFusion`), applied while the output is written.
    let epilogue: ConvEpilogue?

    init(_ ctx: ONNXKernelContext) throws {
        let node = ctx.node
        try node.onlyAttributes(["kernel_shape", "strides", "pads", "dilations", "group", "auto_pad"])
        let w = try ctx.constant(1, "W")
        guard w.shape.count == 4 else { throw node.error("only 2-D convolutions are supported (W has shape \(w.shape))") }
        guard w.shape.allSatisfy({ $0 > 0 }) else { throw node.error("W has an empty dimension (shape \(w.shape))") }
        guard try node.int("group", default: 1) == 1 else { throw node.error("grouped convolution (group > 1) is not supported") }
        let (m, c, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        if node.has("kernel_shape"), try node.ints("kernel_shape") != [kh, kw] {
            throw node.error("kernel_shape \(try node.ints("kernel_shape")) does not match W's shape \(w.shape)")
        }
        let s = try node.ints("strides", default: [1, 1]), d = try node.ints("dilations", default: [1, 1])
        let autoPad = try node.string("auto_pad", default: "NOTSET")
        var p = try node.ints("pads", default: [0, 0, 0, 0])
        if autoPad == "VALID" { p = [0, 0, 0, 0] } else if autoPad != "NOTSET" {
            throw node.error("auto_pad \(autoPad) is not supported (use explicit pads)")
        }
        guard s.count == 2, d.count == 2, p.count == 4, s.allSatisfy({ $0 >= 1 }), d.allSatisfy({ $0 >= 1 }) else {
            throw node.error("strides \(s), dilations \(d), pads \(p) do not describe a 2-D convolution")
        }
        guard p[0] == p[2], p[1] == p[3], p.allSatisfy({ $0 >= 0 }) else {
            throw node.error("asymmetric pads \(p) are not supported")
        }
        let bias = try ctx.optionalConstant(2, "B")
        if let bias, bias.shape != [m] { throw node.error("B has shape \(bias.shape), expected [\(m)]") }
        conv = Conv2d(c, m, kernel: (kh, kw), stride: (s[0], s[1]), padding: (p[0], p[1]), dilation: (d[0], d[1]), bias: bias != nil)
        conv.weight.value.set(w.floats)
        if let bias { conv.bias!.value.set(bias.floats) }
        conv.computesInputGradient = false
        conv.scratch = ctx.convScratch
        epilogue = ctx.fusedReLU ? .relu(channels: m) : nil
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let x = try inputs.float(0, "X")
        guard x.shape.count == 4, x.shape[1] == conv.inChannels else {
            throw KernelFailure("X has shape \(x.shape), the convolution expects (N, \(conv.inChannels), H, W)")
        }
        let o = conv.outputSize(h: x.shape[2], w: x.shape[3])
        guard o.h > 0, o.w > 0 else { throw KernelFailure("X of shape \(x.shape) is too small for the kernel") }
        return [.float(conv.forward(x, epilogue: epilogue))]
    }
}

/// `MaxPool` (2-D, floor mode, no dilation) on the engine's `MaxPool2d`.
final class MaxPoolKernel: ONNXKernel {
    let pool: MaxPool2d

    init(_ ctx: ONNXKernelContext) throws {
        let node = ctx.node
        try node.onlyAttributes(["kernel_shape", "strides", "pads", "dilations", "ceil_mode", "auto_pad", "storage_order"])
        if node.outputs.count > 1, !node.outputs[1].isEmpty, ctx.consumed.contains(node.outputs[1]) {
            throw node.error("the Indices output is not supported")
        }
        let k = try node.ints("kernel_shape")
        guard k.count == 2, k.allSatisfy({ $0 >= 1 }) else { throw node.error("only 2-D pooling is supported (kernel_shape \(k))") }
        let s = try node.ints("strides", default: [1, 1])
        var p = try node.ints("pads", default: [0, 0, 0, 0])
        let autoPad = try node.string("auto_pad", default: "NOTSET")
        if autoPad == "VALID" { p = [0, 0, 0, 0] } else if autoPad != "NOTSET" {
            throw node.error("auto_pad \(autoPad) is not supported (use explicit pads)")
        }
        guard try node.int("ceil_mode", default: 0) == 0 else { throw node.error("ceil_mode 1 is not supported") }
        guard try node.ints("dilations", default: [1, 1]) == [1, 1] else { throw node.error("dilated pooling is not supported") }
        guard s.count == 2, p.count == 4, p[0] == p[2], p[1] == p[3], p.allSatisfy({ $0 >= 0 }), s.allSatisfy({ $0 >= 1 }) else {
            throw node.error("strides \(s) / pads \(p) are not supported (pads must be symmetric)")
        }
        guard p[0] < k[0], p[1] < k[1] else { throw node.error("pads \(p) must be smaller than the kernel \(k)") }
        pool = MaxPool2d(kernel: (k[0], k[1]), stride: (s[0], s[1]), padding: (p[0], p[1]))
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let x = try inputs.float(0, "X")
        guard x.shape.count == 4 else { throw KernelFailure("X has shape \(x.shape), MaxPool expects (N, C, H, W)") }
        let o = pool.outputSize(h: x.shape[2], w: x.shape[3])
        guard o.h > 0, o.w > 0 else { throw KernelFailure("X of shape \(x.shape) is too small for the pooling window") }
        return [.float(pool.forward(x, keepsArgmax: false))]
    }
}

/// `BatchNormalization` in inference mode: y = x·a + b per channel (dim 1), with
/// a = scale/√(var + ε) and b = B − mean·a computed once.
final class BatchNormKernel: ONNXKernel {
    let a: [Float], b: [Float]
    let output = Tensor(shape: [0])

    init(_ ctx: ONNXKernelContext) throws {
        let node = ctx.node
        try node.onlyAttributes(["epsilon", "momentum", "training_mode", "spatial"])
        guard try node.int("training_mode", default: 0) == 0 else { throw node.error("training_mode 1 is not supported (inference only)") }
        guard try node.int("spatial", default: 1) == 1 else { throw node.error("spatial 0 is not supported") }
        if node.outputs.dropFirst().contains(where: { !$0.isEmpty && ctx.consumed.contains($0) }) {
            throw node.error("the running-statistics outputs (training mode) are not supported")
        }
        let scale = try ctx.constant(1, "scale")
        guard scale.shape.count == 1 else { throw node.error("scale has shape \(scale.shape), expected [C]") }
        let c = scale.shape[0]
        let bias = try ctx.floats(2, "B", shape: [c]), mean = try ctx.floats(3, "input_mean", shape: [c])
        let variance = try ctx.floats(4, "input_var", shape: [c])
        let eps = try node.float("epsilon", default: 1e-5)
        let s = scale.floats
        var a = [Float](repeating: 0, count: c), b = a
        for i in 0..<c {
            a[i] = s[i] / (variance[i] + eps).squareRoot()
            b[i] = bias[i] - mean[i] * a[i]
        }
        self.a = a
        self.b = b
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let x = try inputs.float(0, "X")
        let c = a.count
        guard x.shape.count >= 2, x.shape[1] == c else { throw KernelFailure("X has shape \(x.shape), expected (N, \(c), …)") }
        let n = x.shape[0], l = x.count / max(1, n * c)
        output.resize(x.shape)
        let src = x.data, dst = output.data
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                Threads.parallelChunks(n * c, minChunk: 4) { r in
                    for plane in r {
                        let ch = plane % c, sa = ap[ch], sb = bp[ch]
                        let s = src + plane * l, d = dst + plane * l
                        for i in 0..<l { d[i] = s[i] * sa + sb }
                    }
                }
            }
        }
        return [.float(output)]
    }
}
