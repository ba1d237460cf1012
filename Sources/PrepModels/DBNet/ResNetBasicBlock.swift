import PrepNN

/// mmdet's ResNet `BasicBlock`: conv1 (3×3, stride s) → bn1 → ReLU → conv2 (3×3) → bn2, plus
/// the identity or `downsample` (1×1 stride-s conv + BN), then ReLU. No conv has a bias.
final class ResNetBasicBlock: Module {
    let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d
    let downsample: (conv: Conv2d, bn: BatchNorm2d)?
    private let relu1 = ReLU(inPlace: true), relu2 = ReLU(inPlace: true)
    private let add = Add()
    /// dx = main-path gradient + identity-path gradient.
    let gradInput = Tensor(shape: [0])

    init(_ inChannels: Int, _ channels: Int, stride: Int, scratch: ConvScratch) {
        conv1 = Conv2d(inChannels, channels, kernel: (3, 3), stride: (stride, stride), padding: (1, 1), bias: false)
        bn1 = BatchNorm2d(channels)
        conv2 = Conv2d(channels, channels, kernel: (3, 3), padding: (1, 1), bias: false)
        bn2 = BatchNorm2d(channels)
        if stride != 1 || inChannels != channels {
            downsample = (Conv2d(inChannels, channels, kernel: (1, 1), stride: (stride, stride), bias: false),
                          BatchNorm2d(channels))
        } else {
            downsample = nil
        }
        for c in convs { c.scratch = scratch }
    }

    var convs: [Conv2d] { [conv1, conv2] + (downsample.map { [$0.conv] } ?? []) }
    var norms: [BatchNorm2d] { [bn1, bn2] + (downsample.map { [$0.bn] } ?? []) }

    func stateEntries() -> [StateEntry] {
        var e = prefixed("conv1", conv1.stateEntries()) + prefixed("bn1", bn1.stateEntries())
            + prefixed("conv2", conv2.stateEntries()) + prefixed("bn2", bn2.stateEntries())
        if let d = downsample {
            e += prefixed("downsample.0", d.conv.stateEntries()) + prefixed("downsample.1", d.bn.stateEntries())
        }
        return e
    }

    func setTraining(_ training: Bool) { for n in norms { n.setTraining(training) } }

    /// `fused` (eval mode only): each conv → BN (→ ReLU) as one convolution with an epilogue.
    func forward(_ x: Tensor, fused: Bool = false) -> Tensor {
        if fused {
            let main = conv2.forward(conv1.forward(x, epilogue: .batchNorm(bn1, relu: true)), epilogue: .batchNorm(bn2, relu: false))
            let identity = downsample.map { $0.conv.forward(x, epilogue: .batchNorm($0.bn, relu: false)) } ?? x
            return relu2.forward(add.forward(main, identity))
        }
        let main = bn2.forward(conv2.forward(relu1.forward(bn1.forward(conv1.forward(x)))))
        let identity = downsample.map { $0.bn.forward($0.conv.forward(x)) } ?? x
        return relu2.forward(add.forward(main, identity))
    }

    @discardableResult
    func backward(_ dy: Tensor) -> Tensor {
        let g = add.backward(relu2.backward(dy))
        let dMain = conv1.backward(bn1.backward(relu1.backward(conv2.backward(bn2.backward(g)))))
        let dIdentity = downsample.map { $0.conv.backward($0.bn.backward(g)) } ?? g
        gradInput.resize(dMain.shape)
        Add.sum(dMain.data, dIdentity.data, into: gradInput.data, count: dMain.count)
        return gradInput
    }
}
