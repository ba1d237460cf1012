import Foundation
import PrepCore
import PrepNN

/// The engine's DBNet with its DBLoss and optimizer: what the detection trainer and
/// predictors call. The one place the detection side touches engine types (as
/// `CRNNRecognizer` is for recognition).
public final class DBNetDetector: OptimizedModel {
    public let model: DBNet
    public let modelName: String
    public private(set) var optimizer: Optimizer?
    private let loss = DBLoss()
    private let input = Tensor(shape: [0])
    private var output: DBNetOutput?

    /// Command-line model names: `resnet18` (MMOCR's `dbnet_resnet18_fpnc`) and `small`.
    public static let modelNames = ["small", "resnet18"]

    public static func config(model: String) throws -> DBNetConfig {
        switch model {
        case "small", DBNetConfig.small().name: return .small()
        case "resnet18", DBNetConfig.resnet18FPNC().name: return .resnet18FPNC()
        default: throw PrepError.usage("unknown detection model '\(model)' (known: \(modelNames.joined(separator: ", ")))")
        }
    }

    public init(model: String, seed: UInt64) throws {
        let config = try Self.config(model: model)
        self.model = DBNet(config, seed: seed)
        modelName = config.name
    }

    /// Attaches Adam over the model's parameters.
    public func makeOptimizer(learningRate: Double) {
        optimizer = Adam(model.namedParameters(), lr: Float(learningRate))
    }

    /// The detector of a checkpoint (its model named in the metadata; `resnet18` when absent,
    /// as a state dict saved from MMOCR has none). A file that is not a DBNet — a recognizer's
    /// checkpoint, say — is an input error naming the tensor that is missing or does not fit.
    public static func load(checkpoint url: URL) throws -> (DBNetDetector, [String: String]) {
        let file = try SafeTensors.read(path: url.path)
        // prep's detector checkpoints name their model; anything else is tried as MMOCR's.
        let isPrep = file.metadata["format"] == "prep-det"
        let name = isPrep ? file.metadata["model"] ?? "resnet18" : "resnet18"
        let net: DBNetDetector
        do { net = try DBNetDetector(model: name, seed: 0) } catch {
            throw PrepError.input(file: url.path, line: nil, reason: "metadata names model '\(name)', which is no DBNet prep knows (\(modelNames.joined(separator: ", ")))")
        }
        do { try net.model.loadStateDict(file.tensors, source: url.path) } catch {
            let hint = file.metadata["format"] == "prep-recog" ? " (this is a text recognizer's checkpoint: give it to --rec)" : ""
            throw PrepError.input(file: url.path, line: nil, reason: "not a DBNet detector checkpoint\(hint): \(error)")
        }
        return (net, file.metadata)
    }

    public var trainedModule: Module { model }

    public func setTraining(_ training: Bool) { model.setTraining(training) }

    /// One training step's forward, loss and backward (gradients are added to the parameters).
    public func trainStep(_ batch: DetBatch) -> (loss: Double, parts: [String: Double]) {
        input.resize([batch.count, 3, batch.size, batch.size])
        batch.images.withUnsafeBufferPointer { input.data.update(from: $0.baseAddress!, count: input.count) }
        let out = model.forward(input)
        let r = loss.compute(out, targets: batch.targets)
        model.backward(r.grads)
        return (r.loss, r.parts)
    }

    /// Probability maps (eval mode: call `setTraining(false)` first) of `count` normalised
    /// images of `height` × `width` (multiples of 32), one map per image.
    public func probabilities(_ images: [Float], count: Int, height: Int, width: Int) -> [[Float]] {
        input.resize([count, 3, height, width])
        images.withUnsafeBufferPointer { input.data.update(from: $0.baseAddress!, count: input.count) }
        let prob = model.forward(input).prob
        let plane = height * width
        return (0..<count).map { k in Array(UnsafeBufferPointer(start: prob.data + k * plane, count: plane)) }
    }
}
