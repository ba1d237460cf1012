import PrepNN

/// mmdet's `ResNet` with BasicBlocks (depth 18 in MMOCR's DBNet; `style='caffe'` changes nothing
/// for BasicBlocks): stem conv1 7×7/2 → bn1 → ReLU → max-pool 3×3/2, then layer1 … layer4
/// (the first block of layers 2–4 strides 2). Returns the four stage outputs C2 … C5 (strides
/// 4, 8, 16, 32). Names as torchvision/mmdet: `conv1`, `bn1`, `layerX.Y.…`.
final class ResNet: Module {
    let conv1: Conv2d, bn1: BatchNorm2d
    private let relu = ReLU(inPlace: true)
    let pool = MaxPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1))
    let layers: [[ResNetBasicBlock]]
    /// Gradients of the stage outputs summed with those coming from the stage above.
    private let stageGrads = (0..<4).map { _ in Tensor(shape: [0]) }

    init(widths: [Int], blocks: [Int], scratch: ConvScratch) {
        conv1 = Conv2d(3, widths[0], kernel: (7, 7), stride: (2, 2), padding: (3, 3), bias: false)
        conv1.scratch = scratch
        conv1.computesInputGradient = false  // its input is the image
        bn1 = BatchNorm2d(widths[0])
        var inC = widths[0]
        layers = (0..<4).map { s in
            (0..<blocks[s]).map { b in
                defer { inC = widths[s] }
                return ResNetBasicBlock(inC, widths[s], stride: s > 0 && b == 0 ? 2 : 1, scratch: scratch)
            }
        }
    }

    var convs: [Conv2d] { [conv1] + layers.flatMap { $0.flatMap(\.convs) } }
    var norms: [BatchNorm2d] { [bn1] + layers.flatMap { $0.flatMap(\.norms) } }

    func stateEntries() -> [StateEntry] {
        var e = prefixed("conv1", conv1.stateEntries()) + prefixed("bn1", bn1.stateEntries())
        for (s, layer) in layers.enumerated() {
            for (b, block) in layer.enumerated() { e += prefixed("layer\(s + 1).\(b)", block.stateEntries()) }
        }
        return e
    }

    func setTraining(_ training: Bool) { for n in norms { n.setTraining(training) } }

    /// mmdet's init without a pretrained checkpoint: Kaiming normal (fan_out, ReLU) for every
    /// conv, BN weight 1 / bias 0, and zero_init_residual (each block's bn2 weight 0).
    func reset(_ rng: inout RNG) {
        for c in convs {
            let std = (2 / Float(c.outChannels * c.kernel.h * c.kernel.w)).squareRoot()
            for i in 0..<c.weight.value.count { c.weight.value[i] = rng.normal() * std }
        }
        for n in norms { n.weight.value.fill(1); n.bias.value.zero() }
        for layer in layers { for block in layer { block.bn2.weight.value.zero() } }
    }

    /// C2 … C5; `fused` (eval mode only): convolutions with their BatchNorm (and ReLU) as epilogues.
    func forward(_ x: Tensor, fused: Bool = false) -> [Tensor] {
        var h = fused ? pool.forward(conv1.forward(x, epilogue: .batchNorm(bn1, relu: true)), keepsArgmax: false)
            : pool.forward(relu.forward(bn1.forward(conv1.forward(x))))
        var outs: [Tensor] = []
        for layer in layers {
            for block in layer { h = block.forward(h, fused: fused) }
            outs.append(h)
        }
        return outs
    }

    /// Backward from the gradients of C2 … C5 (as the neck returns them).
    func backward(_ dFeatures: [Tensor]) {
        var g: Tensor? = nil
        for s in stride(from: 3, through: 0, by: -1) {
            let total = stageGrads[s]
            if let g = g {
                total.copy(from: g)
                Add.accumulate(dFeatures[s], into: total)
            } else {
                total.copy(from: dFeatures[s])
            }
            var d = total
            for block in layers[s].reversed() { d = block.backward(d) }
            g = d
        }
        conv1.backward(bn1.backward(relu.backward(pool.backward(g!))))
    }
}
