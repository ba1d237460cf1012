import Foundation
import PrepNN

/// One branch of MMOCR's `DBHead`: conv 3×3 (C → C/4, no bias) → BN → ReLU →
/// ConvTranspose 2×2/2 (C/4 → C/4) → BN → ReLU → ConvTranspose 2×2/2 (C/4 → 1), indices
/// 0, 1, 3, 4, 6 of its `nn.Sequential` (2 and 5 are the ReLUs, 7 the threshold's Sigmoid).
/// Returns logits at four times the input resolution.
final class DBHeadBranch: Module {
    let conv: Conv2d, bn1: BatchNorm2d, up1: ConvTranspose2d, bn2: BatchNorm2d, up2: ConvTranspose2d
    private let relu1 = ReLU(inPlace: true), relu2 = ReLU(inPlace: true)

    init(_ channels: Int, scratch: ConvScratch) {
        let inner = channels / 4
        conv = Conv2d(channels, inner, kernel: (3, 3), padding: (1, 1), bias: false)
        conv.scratch = scratch
        bn1 = BatchNorm2d(inner)
        up1 = ConvTranspose2d(inner, inner, kernel: (2, 2), stride: (2, 2))
        bn2 = BatchNorm2d(inner)
        up2 = ConvTranspose2d(inner, 1, kernel: (2, 2), stride: (2, 2))
    }

    func stateEntries() -> [StateEntry] {
        prefixed("0", conv.stateEntries()) + prefixed("1", bn1.stateEntries()) + prefixed("3", up1.stateEntries())
            + prefixed("4", bn2.stateEntries()) + prefixed("6", up2.stateEntries())
    }

    func setTraining(_ training: Bool) { bn1.setTraining(training); bn2.setTraining(training) }

    /// The head's init in MMOCR 1.x: its `init_cfg` (Kaiming on 'Conv', Constant on
    /// 'BatchNorm') matches no module class, so PyTorch's defaults stay: U(±1/√fan_in), BN 1/0.
    func reset(_ rng: inout RNG) {
        conv.resetPyTorchDefault(&rng)
        up1.resetPyTorchDefault(&rng)
        up2.resetPyTorchDefault(&rng)
    }

    /// `fused` (eval mode only): conv → BN → ReLU as one convolution with an epilogue.
    func forward(_ x: Tensor, fused: Bool = false) -> Tensor {
        let h = fused ? conv.forward(x, epilogue: .batchNorm(bn1, relu: true)) : relu1.forward(bn1.forward(conv.forward(x)))
        return up2.forward(relu2.forward(bn2.forward(up1.forward(h))))
    }

    @discardableResult
    func backward(_ dy: Tensor) -> Tensor {
        conv.backward(bn1.backward(relu1.backward(up1.backward(bn2.backward(relu2.backward(up2.backward(dy)))))))
    }
}
