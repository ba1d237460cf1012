import PrepNN

/// MMOCR's `FPNC` neck with its defaults (no bias, BN, activation, ASF or conv after concat):
/// 1×1 lateral convs C_i → lateral, top-down nearest upsample + add (P5 into P4 into P3 into
/// P2), 3×3 smooth convs lateral → out, each upsampled (nearest) to the C2 size and
/// concatenated [P2, P3, P4, P5] → 4·out channels at stride 4. Names
/// `lateral_convs.i.conv.weight`, `smooth_convs.i.conv.weight` (mmcv ConvModules).
final class FPNC: Module {
    let lateralConvs: [Conv2d], smoothConvs: [Conv2d]
    private let topDownUp = (0..<3).map { _ in Upsample(mode: .nearest) }
    private let topDownAdd = (0..<3).map { _ in Add() }
    private let outUp = (0..<3).map { _ in Upsample(mode: .nearest) }
    private let concat = Concat()
    /// Gradients of the merged laterals m_i (smooth path + the level below's top-down path).
    private let mergedGrads = (0..<4).map { _ in Tensor(shape: [0]) }

    init(inChannels: [Int], lateralChannels: Int, outChannels: Int, scratch: ConvScratch) {
        lateralConvs = inChannels.map { Conv2d($0, lateralChannels, kernel: (1, 1), bias: false) }
        smoothConvs = inChannels.map { _ in Conv2d(lateralChannels, outChannels, kernel: (3, 3), padding: (1, 1), bias: false) }
        for c in lateralConvs + smoothConvs { c.scratch = scratch }
    }

    func stateEntries() -> [StateEntry] {
        lateralConvs.enumerated().flatMap { prefixed("lateral_convs.\($0).conv", $1.stateEntries()) }
            + smoothConvs.enumerated().flatMap { prefixed("smooth_convs.\($0).conv", $1.stateEntries()) }
    }

    /// mmcv ConvModule's own init: Kaiming normal, fan_out, ReLU gain (no bias here).
    func reset(_ rng: inout RNG) {
        for c in lateralConvs + smoothConvs {
            let std = (2 / Float(c.outChannels * c.kernel.h * c.kernel.w)).squareRoot()
            for i in 0..<c.weight.value.count { c.weight.value[i] = rng.normal() * std }
        }
    }

    /// `fused` (eval mode only): the convolutions' inference forward (no input kept, Winograd
    /// for the 3×3 smooth convs).
    func forward(_ features: [Tensor], fused: Bool = false) -> Tensor {
        precondition(features.count == 4, "FPNC takes four feature maps")
        func conv(_ c: Conv2d, _ x: Tensor) -> Tensor { fused ? c.forward(x, epilogue: nil) : c.forward(x) }
        var merged = [Tensor](repeating: conv(lateralConvs[3], features[3]), count: 4)
        for i in stride(from: 2, through: 0, by: -1) {
            let lateral = conv(lateralConvs[i], features[i])
            let up = topDownUp[i].forward(merged[i + 1], height: lateral.shape[2], width: lateral.shape[3])
            merged[i] = topDownAdd[i].forward(lateral, up)
        }
        let p2 = conv(smoothConvs[0], merged[0])
        var outs = [p2]
        for i in 1..<4 {
            outs.append(outUp[i - 1].forward(conv(smoothConvs[i], merged[i]), height: p2.shape[2], width: p2.shape[3]))
        }
        return concat.forward(outs)
    }

    /// Backward from the concatenation's gradient; returns the gradients of C2 … C5.
    func backward(_ dy: Tensor) -> [Tensor] {
        let parts = concat.backward(dy)
        for i in 0..<4 {
            let ds = i == 0 ? parts[0] : outUp[i - 1].backward(parts[i])
            mergedGrads[i].copy(from: smoothConvs[i].backward(ds))
        }
        // top-down: m_i = lateral_i + up(m_{i+1}), so m_{i+1} also receives up's adjoint of dm_i
        for i in 0..<3 {
            Add.accumulate(topDownUp[i].backward(topDownAdd[i].backward(mergedGrads[i])), into: mergedGrads[i + 1])
        }
        return (0..<4).map { lateralConvs[$0].backward(mergedGrads[$0]) }
    }
}
