import Foundation
import PrepNN

/// MMOCR 1.x's DBNet (`dbnet_resnet18_fpnc` and smaller shapes): ResNet backbone → FPNC neck →
/// DBHead with a probability (`binarize`) and a threshold branch and the differentiable
/// binarisation B = 1/(1 + e^(−k(P − T))), k = 50. State-dict names are MMOCR's
/// (`backbone.…`, `neck.…`, `det_head.binarize.…`, `det_head.threshold.…`), so a PyTorch
/// state dict loads 1:1.
///
/// Input (N, 3, H, W), normalised as MMOCR (RGB, mean 123.675/116.28/103.53, std
/// 58.395/57.12/57.375), H and W multiples of 32. Train mode returns P, T and B (and P's
/// logits); eval mode runs only the probability branch, as MMOCR's `predict`.
public final class DBNet: Module {
    public let config: DBNetConfig
    let backbone: ResNet
    let neck: FPNC
    let binarize: DBHeadBranch
    let threshold: DBHeadBranch
    private let probSigmoid = Sigmoid(), threshSigmoid = Sigmoid()
    private let binary = Tensor(shape: [0])
    private let gradLogits = Tensor(shape: [0]), gradThresh = Tensor(shape: [0])
    private let gradFeature = Tensor(shape: [0])
    private var lastForwardTrained = false
    public private(set) var training = true
    /// Eval mode runs each conv → BatchNorm (→ ReLU) as one inference convolution with an
    /// epilogue (`ConvEpilogue`), and the neck's convolutions through the inference path
    /// (Winograd for 3×3); false keeps the training-mode layer sequence (to compare).
    public var fusesInference = true

    /// A freshly initialised DBNet, deterministic for the seed: mmdet's ResNet init without a
    /// pretrained checkpoint (MMOCR's config loads torchvision's ImageNet weights, which prep
    /// cannot download), mmcv's ConvModule init for the neck, PyTorch's defaults for the head.
    public convenience init(_ config: DBNetConfig, seed: UInt64 = 0) {
        self.init(config, seed: seed, randomize: true)
    }

    /// `randomize: false` leaves the weights at zero (BN at 1/0): for a model whose state dict
    /// is loaded right after, which skips drawing millions of numbers.
    public init(_ config: DBNetConfig, seed: UInt64 = 0, randomize: Bool) {
        self.config = config
        let scratch = ConvScratch()  // layers run one after another: one set of work buffers
        backbone = ResNet(widths: config.stageWidths, blocks: config.blocks, scratch: scratch)
        neck = FPNC(inChannels: config.stageWidths, lateralChannels: config.lateralChannels,
                    outChannels: config.neckChannels, scratch: scratch)
        binarize = DBHeadBranch(config.headChannels, scratch: scratch)
        threshold = DBHeadBranch(config.headChannels, scratch: scratch)
        if randomize {
            var rng = RNG(seed: seed)
            backbone.reset(&rng)
            neck.reset(&rng)
            binarize.reset(&rng)
            threshold.reset(&rng)
        }
        if config.normEval { for n in backbone.norms { n.frozen = true } }
    }

    public func stateEntries() -> [StateEntry] {
        prefixed("backbone", backbone.stateEntries()) + prefixed("neck", neck.stateEntries())
            + prefixed("det_head.binarize", binarize.stateEntries())
            + prefixed("det_head.threshold", threshold.stateEntries())
    }

    public func setTraining(_ training: Bool) {
        self.training = training
        backbone.setTraining(training)
        binarize.setTraining(training)
        threshold.setTraining(training)
    }

    /// Multiply-adds of the last forward's convolutions (plain and transposed), for cost
    /// figures: Σ over the layers it ran of output cells · Cin·kh·kw.
    public var lastForwardMultiplyAdds: Int {
        let branches = lastForwardTrained ? [binarize, threshold] : [binarize]
        let convs = backbone.convs + neck.lateralConvs + neck.smoothConvs + branches.map(\.conv)
        var total = convs.reduce(0) { $0 + $1.output.count * $1.inChannels * $1.kernel.h * $1.kernel.w }
        for b in branches {
            for up in [b.up1, b.up2] { total += up.output.count * up.inChannels }  // each output cell reads Cin taps (2×2/2)
        }
        return total
    }

    /// (N, 3, H, W) → maps at (N, 1, H, W). See the type's comment for modes.
    public func forward(_ x: Tensor) -> DBNetOutput {
        precondition(x.shape.count == 4 && x.shape[1] == 3, "DBNet expects (N,3,H,W), got \(x.shape)")
        let d = DBNetConfig.sizeDivisor
        precondition(x.shape[2] % d == 0 && x.shape[3] % d == 0 && x.shape[2] > 0 && x.shape[3] > 0,
                     "DBNet needs H and W multiples of \(d), got \(x.shape[2])×\(x.shape[3])")
        let fused = !training && fusesInference
        let feature = neck.forward(backbone.forward(x, fused: fused), fused: fused)
        let logits = binarize.forward(feature, fused: fused)
        let prob = probSigmoid.forward(logits)
        lastForwardTrained = training
        guard training else { return DBNetOutput(prob: prob, thresh: nil, binary: nil) }
        let thresh = threshSigmoid.forward(threshold.forward(feature))
        binary.resize(prob.shape)
        let p = prob.data, t = thresh.data, b = binary.data, k = config.k
        Threads.parallelChunks(prob.count, minChunk: 1 << 15) { r in
            for i in r { b[i] = 1 / (1 + expf(-k * (p[i] - t[i]))) }
        }
        return DBNetOutput(prob: prob, thresh: thresh, binary: binary, probLogits: logits)
    }

    /// Adds every parameter's gradient for the loss gradients of a train-mode forward. The
    /// input tensor given to `forward` must be unchanged until this returns.
    public func backward(_ grads: DBNetOutputGrad) {
        precondition(lastForwardTrained, "DBNet.backward needs a train-mode forward (it uses the threshold branch)")
        let shape = probSigmoid.output.shape
        precondition(grads.prob.shape == shape && grads.thresh.shape == shape && grads.binary.shape == shape,
                     "DBNet.backward: gradients must be \(shape)")
        if let g = grads.probLogits { precondition(g.shape == shape, "DBNet.backward: probLogits must be \(shape)") }
        gradLogits.resize(shape)
        gradThresh.resize(shape)
        let p = probSigmoid.output.data, b = binary.data, k = config.k
        let dp = grads.prob.data, dt = grads.thresh.data, db = grads.binary.data, dl = grads.probLogits?.data
        let gl = gradLogits.data, gt = gradThresh.data
        Threads.parallelChunks(gradLogits.count, minChunk: 1 << 15) { r in
            for i in r {
                // B = σ(k(P − T)): ∂B/∂P = k·B(1 − B) = −∂B/∂T
                let s = db[i] * k * b[i] * (1 - b[i])
                gl[i] = (dp[i] + s) * p[i] * (1 - p[i]) + (dl?[i] ?? 0)
                gt[i] = dt[i] - s
            }
        }
        let dFeatBin = binarize.backward(gradLogits)
        gradFeature.copy(from: dFeatBin)
        Add.accumulate(threshold.backward(threshSigmoid.backward(gradThresh)), into: gradFeature)
        backbone.backward(neck.backward(gradFeature))
    }
}
