import Foundation
import PrepCore
import PrepNN

/// The engine's CRNN with its CTC loss (blank 0, PyTorch 'mean') and optimizer, as a
/// `RecogNetwork`. The one place the recognizer side touches engine types.
public final class CRNNRecognizer: RecogNetwork, OptimizedModel {
    public let model: CRNN
    public private(set) var optimizer: Optimizer?
    private let ctc = CTCLoss(blank: Charset.blank, zeroInfinity: false)
    private let input = Tensor(shape: [0])
    private let gradient = Tensor(shape: [0])
    private var logits: Tensor?

    /// Model shapes by name: `crnn` (MMOCR's, 8.3 M parameters with 37 classes), `crnn-small`
    /// (half widths, the default), `crnn-small-bn` (half widths, a BatchNorm after every
    /// convolution), or `crnn-tiny` (widths 16–32, hidden 32: smoke tests and demos,
    /// seconds to train).
    public static let modelNames = ["crnn", "crnn-small", "crnn-small-bn", "crnn-tiny"]

    public static func config(model: String, classes: Int, channels: Int) throws -> CRNNConfig {
        switch model {
        case "crnn": return .mmocr(numClasses: classes, inputChannels: channels)
        case "crnn-small": return .small(numClasses: classes, inputChannels: channels)
        case "crnn-small-bn":
            var c = CRNNConfig.small(numClasses: classes, inputChannels: channels)
            c.batchNorms = CRNNConfig.allBatchNorms
            return c
        case "crnn-tiny": return CRNNConfig(inputChannels: channels, numClasses: classes, channels: [16, 16, 32, 32, 32, 32, 32], hidden: 32)
        default: throw PrepError.usage("unknown model '\(model)' (known: \(modelNames.joined(separator: ", ")))")
        }
    }

    /// A freshly initialised network (deterministic for `seed`).
    public init(config: CRNNConfig, seed: UInt64) {
        model = CRNN(config, seed: seed)
    }

    /// A network for a new run of `config` (its model, charset size, channels, seed) with its
    /// optimizer.
    public static func forTraining(_ config: RecogTrainConfig, charset: Charset) throws -> CRNNRecognizer {
        let net = CRNNRecognizer(config: try Self.config(model: config.model, classes: charset.classCount, channels: config.input.channels),
                                 seed: config.seed)
        net.makeOptimizer(config.optimizer, learningRate: config.learningRate)
        return net
    }

    /// Attaches the optimizer (`adam` or `adadelta`) over the model's parameters.
    public func makeOptimizer(_ name: String, learningRate: Double) {
        let named = model.namedParameters()
        optimizer = name == "adadelta" ? Adadelta(named, lr: Float(learningRate)) : Adam(named, lr: Float(learningRate))
    }

    /// The network of a checkpoint: its shape is read from the tensors themselves (so a CRNN
    /// state dict written by PyTorch loads too), then the weights are loaded, every tensor
    /// checked. A file that is not a CRNN names the tensor that is missing or does not fit.
    public static func load(checkpoint url: URL) throws -> (CRNNRecognizer, [String: String]) {
        let file = try SafeTensors.read(path: url.path)
        let config = try inferConfig(file.tensors, source: url.path)
        let net = CRNNRecognizer(config: config, seed: 0)
        try net.model.loadStateDict(file.tensors, source: url.path)
        return (net, file.metadata)
    }

    static func inferConfig(_ t: [String: TensorData], source: String) throws -> CRNNConfig {
        func shape(_ name: String, rank: Int) throws -> [Int] {
            guard let s = t[name]?.shape else {
                throw PrepError.input(file: source, line: nil, reason: "tensor '\(name)' is missing: not a CRNN checkpoint")
            }
            guard s.count == rank else {
                throw PrepError.input(file: source, line: nil, reason: "tensor '\(name)' has shape \(s), a CRNN's has rank \(rank)")
            }
            return s
        }
        var channels: [Int] = []
        for k in 0..<7 { channels.append(try shape("backbone.cnn.conv\(k).weight", rank: 4)[0]) }
        let inputChannels = try shape("backbone.cnn.conv0.weight", rank: 4)[1]
        let hidden = try shape("decoder.decoder.0.rnn.weight_hh_l0", rank: 2)[1]
        let classes = try shape("decoder.decoder.1.embedding.weight", rank: 2)[0]
        let norms = (0..<7).filter { t["backbone.cnn.batchnorm\($0).weight"] != nil }
        return CRNNConfig(inputChannels: inputChannels, numClasses: classes, channels: channels, hidden: hidden, batchNorms: norms)
    }

    public var trainedModule: Module { model }

    public var classCount: Int { model.config.numClasses }

    public func sequenceLength(inputWidth: Int) -> Int { CRNNConfig.sequenceLength(width: inputWidth) }

    public func setTraining(_ training: Bool) { model.setTraining(training) }

    public func forward(_ batch: RecogBatch) -> [Float] {
        input.resize([batch.count, batch.channels, batch.height, batch.width])
        batch.images.withUnsafeBufferPointer { input.data.update(from: $0.baseAddress!, count: input.count) }
        let out = model.forward(input)  // (T, N, C)
        logits = out
        let T = out.shape[0], n = out.shape[1], c = out.shape[2]
        var ntc = [Float](repeating: 0, count: out.count)
        ntc.withUnsafeMutableBufferPointer { dst in
            for t in 0..<T {
                for b in 0..<n { (dst.baseAddress! + (b * T + t) * c).update(from: out.data + (t * n + b) * c, count: c) }
            }
        }
        return ntc
    }

    public func loss(targets: [[Int]], backward: Bool) -> (mean: Float, perSample: [Float]) {
        guard let logits else { preconditionFailure("loss before forward") }
        let r = ctc.compute(logits: logits, targets: targets, gradInto: gradient)
        if backward { model.backward(r.gradLogits) }
        let per = zip(r.perSample, targets).map { Float($0 / Double(max($1.count, 1))) }
        return (r.loss, per)
    }
}
