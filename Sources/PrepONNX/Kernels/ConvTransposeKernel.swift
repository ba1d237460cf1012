import PrepNN

/// `ConvTranspose` (2-D, group 1, no dilation) on the engine's `ConvTranspose2d`. W is
/// (C_in, M, kH, kW), as PyTorch's. Symmetric `pads` and `output_padding` < stride only (what
/// PyTorch's `nn.ConvTranspose2d` exports); `output_shape` and `auto_pad` other than NOTSET/VALID
/// are refused, naming the node.
final class ConvTransposeKernel: ONNXKernel {
    let up: ConvTranspose2d

    init(_ ctx: ONNXKernelContext) throws {
        let node = ctx.node
        try node.onlyAttributes(["kernel_shape", "strides", "pads", "dilations", "group", "auto_pad", "output_padding"])
        let w = try ctx.constant(1, "W")
        guard w.shape.count == 4 else { throw node.error("only 2-D transposed convolutions are supported (W has shape \(w.shape))") }
        guard w.shape.allSatisfy({ $0 > 0 }) else { throw node.error("W has an empty dimension (shape \(w.shape))") }
        guard try node.int("group", default: 1) == 1 else { throw node.error("grouped transposed convolution (group > 1) is not supported") }
        let (c, m, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        if node.has("kernel_shape"), try node.ints("kernel_shape") != [kh, kw] {
            throw node.error("kernel_shape \(try node.ints("kernel_shape")) does not match W's shape \(w.shape)")
        }
        guard try node.ints("dilations", default: [1, 1]) == [1, 1] else { throw node.error("dilated transposed convolution is not supported") }
        let s = try node.ints("strides", default: [1, 1]), op = try node.ints("output_padding", default: [0, 0])
        var p = try node.ints("pads", default: [0, 0, 0, 0])
        let autoPad = try node.string("auto_pad", default: "NOTSET")
        if autoPad == "VALID" { p = [0, 0, 0, 0] } else if autoPad != "NOTSET" {
            throw node.error("auto_pad \(autoPad) is not supported (use explicit pads)")
        }
        guard s.count == 2, p.count == 4, op.count == 2, s.allSatisfy({ $0 >= 1 }) else {
            throw node.error("strides \(s), pads \(p), output_padding \(op) do not describe a 2-D transposed convolution")
        }
        guard p[0] == p[2], p[1] == p[3], p.allSatisfy({ $0 >= 0 }) else { throw node.error("asymmetric pads \(p) are not supported") }
        guard op[0] >= 0, op[1] >= 0, op[0] < s[0], op[1] < s[1] else {
            throw node.error("output_padding \(op) must be non-negative and smaller than the strides \(s)")
        }
        let bias = try ctx.optionalConstant(2, "B")
        if let bias, bias.shape != [m] { throw node.error("B has shape \(bias.shape), expected [\(m)]") }
        up = ConvTranspose2d(c, m, kernel: (kh, kw), stride: (s[0], s[1]), padding: (p[0], p[1]), outputPadding: (op[0], op[1]), bias: bias != nil)
        up.weight.value.set(w.floats)
        if let bias { up.bias!.value.set(bias.floats) }
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let x = try inputs.float(0, "X")
        guard x.shape.count == 4, x.shape[1] == up.inChannels, x.shape[2] > 0, x.shape[3] > 0 else {
            throw KernelFailure("X has shape \(x.shape), the transposed convolution expects (N, \(up.inChannels), H, W)")
        }
        let o = up.outputSize(h: x.shape[2], w: x.shape[3])
        guard o.h > 0, o.w > 0 else { throw KernelFailure("X of shape \(x.shape) gives an empty output") }
        return [.float(up.forward(x))]
    }
}
