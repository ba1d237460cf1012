import PrepNN

/// MMOCR's CRNN: `VeryDeepVGG` backbone → squeeze height → (T, N, C) → `decoder.decoder.0`
/// BiLSTM(C, H, H) → `decoder.decoder.1` BiLSTM(H, H, classes). Input (N, channels, 32, W),
/// already normalised ((x − 127)/127 in MMOCR); output raw logits (T, N, classes),
/// T = ⌊⌊W/2⌋/2⌋ + 1. State-dict names are MMOCR's (lean-core.md §7.3), so a PyTorch state
/// dict loads 1:1.
public final class CRNN: Module {
    public let config: CRNNConfig
    public let backbone: VeryDeepVGG
    public let decoder0: BidirectionalLSTM
    public let decoder1: BidirectionalLSTM
    /// The sequence (T, N, C) fed to the decoder, and its gradient back to (N, C, 1, T).
    private let sequence = Tensor(shape: [0])
    private let gradFeature = Tensor(shape: [0])
    public private(set) var training = true

    /// A freshly initialised CRNN (MMOCR's init for the backbone, PyTorch's for the decoder),
    /// deterministic for the seed.
    public init(_ config: CRNNConfig, seed: UInt64 = 0) {
        self.config = config
        backbone = VeryDeepVGG(inputChannels: config.inputChannels, channels: config.channels, batchNorms: config.batchNorms)
        decoder0 = BidirectionalLSTM(inputSize: config.channels[6], hiddenSize: config.hidden, outputSize: config.hidden)
        decoder1 = BidirectionalLSTM(inputSize: config.hidden, hiddenSize: config.hidden, outputSize: config.numClasses)
        backbone.convs[0].computesInputGradient = false  // its input is data
        var rng = RNG(seed: seed)
        backbone.reset(&rng)
        decoder0.reset(&rng)
        decoder1.reset(&rng)
    }

    public func stateEntries() -> [StateEntry] {
        prefixed("backbone.cnn", backbone.stateEntries())
            + prefixed("decoder.decoder.0", decoder0.stateEntries())
            + prefixed("decoder.decoder.1", decoder1.stateEntries())
    }

    public func setTraining(_ training: Bool) {
        self.training = training
        backbone.setTraining(training)
        decoder0.rnn.setTraining(training)
        decoder1.rnn.setTraining(training)
    }

    /// (N, inputChannels, 32, W) → logits (T, N, numClasses). The returned tensor belongs to
    /// the model and is overwritten by the next forward.
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == config.inputChannels && x.shape[2] == CRNNConfig.inputHeight,
                     "CRNN expects (N,\(config.inputChannels),32,W), got \(x.shape)")
        precondition(x.shape[3] >= 4, "CRNN needs an input width of at least 4, got \(x.shape[3])")
        let f = backbone.forward(x)  // (N, C, 1, T)
        let n = f.shape[0], c = f.shape[1], t = f.shape[3]
        sequence.resize([t, n, c])
        let src = f.data, dst = sequence.data
        for b in 0..<n {
            for ch in 0..<c {
                let s = src + (b * c + ch) * t
                for step in 0..<t { dst[(step * n + b) * c + ch] = s[step] }
            }
        }
        return decoder1.forward(decoder0.forward(sequence))
    }

    /// Backward from the logits' gradient (T, N, classes): adds every parameter's gradient.
    /// The input's gradient is not computed (the input is data). The input tensor given to
    /// `forward` must be unchanged until this returns.
    public func backward(_ dLogits: Tensor) {
        let ds = decoder0.backward(decoder1.backward(dLogits))  // (T, N, C)
        let t = ds.shape[0], n = ds.shape[1], c = ds.shape[2]
        gradFeature.resize([n, c, 1, t])
        let src = ds.data, dst = gradFeature.data
        for b in 0..<n {
            for ch in 0..<c {
                let d = dst + (b * c + ch) * t
                for step in 0..<t { d[step] = src[(step * n + b) * c + ch] }
            }
        }
        backbone.backward(gradFeature)
    }
}
