import PrepNN
import PrepONNX

/// Engine layers as ONNX nodes, as PyTorch's exporter writes them: weights as initializers under
/// their state-dict names (`prefix.weight`, `prefix.bias`, `prefix.running_mean` …), attributes
/// in the exporter's spelling. Shared by the CRNN and DBNet exports.
extension ONNXGraphBuilder {
    /// `Conv` of a `Conv2d` (bias input only when the layer has one).
    func conv(_ conv: Conv2d, prefix: String, name: String, _ x: String) -> String {
        var inputs = [x, initializer(prefix + ".weight", shape: conv.weight.value.shape, floats: conv.weight.value.values)]
        if let bias = conv.bias { inputs.append(initializer(prefix + ".bias", shape: [conv.outChannels], floats: bias.value.values)) }
        return op("Conv", name: name, inputs, [
            ONNXAttribute.ints("dilations", [conv.dilation.h, conv.dilation.w]), ONNXAttribute.int("group", 1),
            ONNXAttribute.ints("kernel_shape", [conv.kernel.h, conv.kernel.w]),
            ONNXAttribute.ints("pads", [conv.padding.h, conv.padding.w, conv.padding.h, conv.padding.w]),
            ONNXAttribute.ints("strides", [conv.stride.h, conv.stride.w])])
    }

    /// `ConvTranspose` of a `ConvTranspose2d` (W is (Cin, Cout, kh, kw) in both).
    func convTranspose(_ up: ConvTranspose2d, prefix: String, name: String, _ x: String) -> String {
        var inputs = [x, initializer(prefix + ".weight", shape: up.weight.value.shape, floats: up.weight.value.values)]
        if let bias = up.bias { inputs.append(initializer(prefix + ".bias", shape: [up.outChannels], floats: bias.value.values)) }
        var attributes = [
            ONNXAttribute.ints("dilations", [1, 1]), ONNXAttribute.int("group", 1),
            ONNXAttribute.ints("kernel_shape", [up.kernel.h, up.kernel.w]),
            ONNXAttribute.ints("pads", [up.padding.h, up.padding.w, up.padding.h, up.padding.w]),
            ONNXAttribute.ints("strides", [up.stride.h, up.stride.w])]
        if up.outputPadding != (0, 0) { attributes.append(ONNXAttribute.ints("output_padding", [up.outputPadding.h, up.outputPadding.w])) }
        return op("ConvTranspose", name: name, inputs, attributes)
    }

    /// `BatchNormalization` in inference form with the running statistics (not folded, so the
    /// file keeps the checkpoint's tensors). PyTorch's exporter writes ONNX momentum =
    /// 1 − torch momentum (lean-core.md §6.2).
    func batchNorm(_ bn: BatchNorm2d, prefix: String, name: String, _ x: String) -> String {
        let inputs = [x, initializer(prefix + ".weight", shape: [bn.channels], floats: bn.weight.value.values),
                      initializer(prefix + ".bias", shape: [bn.channels], floats: bn.bias.value.values),
                      initializer(prefix + ".running_mean", shape: [bn.channels], floats: bn.runningMean.values),
                      initializer(prefix + ".running_var", shape: [bn.channels], floats: bn.runningVar.values)]
        return op("BatchNormalization", name: name, inputs,
                  [ONNXAttribute.float("epsilon", bn.eps), ONNXAttribute.float("momentum", 1 - bn.momentum)])
    }

    /// `MaxPool` of a `MaxPool2d` (floor mode).
    func maxPool(_ pool: MaxPool2d, name: String, _ x: String) -> String {
        op("MaxPool", name: name, [x], [
            ONNXAttribute.int("ceil_mode", 0), ONNXAttribute.ints("kernel_shape", [pool.kernel.h, pool.kernel.w]),
            ONNXAttribute.ints("pads", [pool.padding.h, pool.padding.w, pool.padding.h, pool.padding.w]),
            ONNXAttribute.ints("strides", [pool.stride.h, pool.stride.w])])
    }

    /// `Squeeze` of the given axes: an input from opset 13, an attribute before.
    func squeeze(_ x: String, axes: [Int], name: String, constant: String) -> String {
        if opset >= 13 { return op("Squeeze", name: name, [x, initializer(constant, ints: axes.map(Int64.init))]) }
        return op("Squeeze", name: name, [x], [ONNXAttribute.ints("axes", axes)])
    }
}
