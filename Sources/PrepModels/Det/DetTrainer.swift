import Foundation
import PrepCore
import PrepEval
import PrepNN

/// The training loop of a detector: seeded epochs over the pages, augmented batches from
/// `DetBatchLoader`, DBLoss, Adam under the LR schedule, validation (hmean-iou, MMOCR 1.x
/// protocol, as `prep eval det`) after each epoch, checkpoints (best + last weights and a
/// resumable state), the metrics log and curve, Ctrl-C and NaN handling — the conventions and
/// run folder of `RecogTrainer`.
///
/// Optimizer: MMOCR trains DBNet with SGD (momentum 0.9, lr 0.007, poly) for 1200 epochs from an
/// ImageNet-pretrained backbone. Here the backbone starts from scratch and the budget is
/// minutes on a CPU; Adam (lr 1e-3) with the same poly decay converges far faster in that
/// regime, so it is the one used (the engine's `Adam`, state saved for `--resume`).
public final class DetTrainer {
    public typealias Position = TrainingPosition
    public typealias Outcome = TrainingOutcome
    public typealias Tick = TrainingTick

    /// The loop's summary (`TrainingSummary`'s fields read through) and the pages and polygons
    /// the loader could not use.
    @dynamicMemberLookup
    public struct Summary: Sendable {
        public var run: TrainingSummary
        public var failures: [(location: String, reason: String)]
        public var skippedPolygons: [(location: String, reason: String)]
        public subscript<T>(dynamicMember path: KeyPath<TrainingSummary, T>) -> T { run[keyPath: path] }
    }

    public let config: DetTrainConfig
    public let folder: RecogRunFolder
    public let network: DBNetDetector
    public let train: [DetPage]
    public let val: [DetPage]
    public var stop: StopSignal = .shared
    public var onTick: ((Tick) -> Void)?

    public init(config: DetTrainConfig, folder: RecogRunFolder, network: DBNetDetector, train: [DetPage], val: [DetPage]) {
        self.config = config
        self.folder = folder
        self.network = network
        self.train = train
        self.val = val
    }

    public var batchesPerEpoch: Int { (train.count + config.batchSize - 1) / config.batchSize }
    public var totalSteps: Int { config.steps ?? (config.epochs ?? 1) * batchesPerEpoch }

    public var schedule: LRSchedule {
        let total = totalSteps
        let decay: LRSchedule.Decay
        switch config.schedule {
        case "poly": decay = .poly(totalSteps: total, power: 0.9, minLR: 1e-7)
        case "cosine": decay = .cosine(totalSteps: total, minLR: 0)
        default: decay = .constant
        }
        return LRSchedule(base: Float(config.learningRate), decay: decay, warmupSteps: config.warmupSteps)
    }

    /// Trains from `start` until the step budget is spent, Ctrl-C, or `stopAfterStep`
    /// (`TrainingLoop`). Throws on a NaN/infinite loss after saving `nan-step-N.safetensors`.
    public func run(from start: Position, stopAfterStep: Int? = nil) throws -> Summary {
        guard !train.isEmpty else { throw PrepError.failed("no training pages") }
        var failures: [(location: String, reason: String)] = [], skipped: [(location: String, reason: String)] = []
        let loop = TrainingLoop(model: self, totalSteps: totalSteps, schedule: schedule, valEvery: config.valEvery, primaryMetric: "hmean",
                                stop: stop, onTick: onTick)
        let run = try loop.run(from: start, stopAfterStep: stopAfterStep) { batch in
            failures += batch.failures
            skipped += batch.skipped
        }
        return Summary(run: run, failures: failures, skippedPolygons: skipped)
    }

    /// hmean-iou of the validation pages (MMOCR 1.x protocol, best score threshold), logged.
    /// Without validation pages, the mean training loss (negated) picks the best.
    public func validate(step: Int, epoch: Int, log: RecogMetricsLog, meanTrainLoss: Double?, seconds: Double) throws
        -> (score: Double?, scores: [(key: String, value: Double)]) {
        var scores: [(key: String, value: Double)] = []
        if !val.isEmpty {
            scores = Self.score(network: network, pages: val, scale: (config.valScale[0], config.valScale[1]), workers: config.workers)
            network.setTraining(true)
            log.validation(step, epoch: epoch, seconds: seconds, scores: scores, loss: nil)
        }
        let hmean: Double? = scores.first { $0.key == "hmean" }?.value
        return (hmean ?? meanTrainLoss.map { -$0 }, scores)
    }

    /// precision, recall and hmean of the detector on `pages` (`prep eval det`'s metric).
    public static func score(network: DBNetDetector, pages: [DetPage], scale: (Int, Int), workers: Int) -> [(key: String, value: Double)] {
        var failures: [(path: String, reason: String)] = []
        // The engine's DBNet never throws (only an ONNX model can refuse an input).
        let outputs = (try? DetPredictor(detector: network, scale: (scale.0, scale.1), workers: workers).run(pages, failures: &failures)) ?? []
        let samples = outputs.map { o in
            DetectionSample(gtPolygons: o.page.polygons, gtIgnored: o.page.ignored, predPolygons: o.texts.map(\.polygon),
                            predScores: o.texts.map(\.score))
        }
        let best = HmeanIoU(protocol: .mmocr1).evaluate(samples).best
        return [("precision", best.precision), ("recall", best.recall), ("hmean", best.hmean)]
    }

    func weightsMetadata(step: Int) -> [String: String] {
        ["format": "prep-det", "model": config.model, "crop": String(config.crop),
         "val_scale": config.valScale.map(String.init).joined(separator: ","), "step": String(step)]
    }

    /// Writes `last.safetensors` and `last.state.safetensors` (the position and the settings
    /// in its metadata).
    public func save(_ pos: Position) throws {
        try network.saveWeights(to: folder.last, metadata: weightsMetadata(step: pos.step))
        try network.saveOptimizer(to: folder.state, metadata: pos.metadata(format: "prep-det-state", config: try config.json()))
    }

    /// The position and settings of the run in `folder`, from its resumable state file.
    public static func resumePoint(_ folder: RecogRunFolder) throws -> (Position, DetTrainConfig) {
        let (p, cfg) = try Position.parse(try Position.stateMetadata(folder), format: "prep-det-state", file: folder.state.path)
        return (p, try DetTrainConfig.fromJSON(cfg, source: folder.state.path))
    }

}

/// The detector's model step for `TrainingLoop`.
extension DetTrainer: TrainingModelStep {
    public var batchItems: String { "pages" }

    public func loader(epoch: Int, first: Int) -> DetBatchLoader {
        let order = RecogBatchLoader.order(count: train.count, seed: config.seed, epoch: epoch, shuffle: true)
        return DetBatchLoader(pages: train, order: order,
                              options: .init(size: config.crop, augment: config.augment, batchSize: config.batchSize,
                                             workers: config.workers, prefetch: 2, seed: config.seed, epoch: epoch),
                              firstBatch: first)
    }

    public func setTraining(_ training: Bool) { network.setTraining(training) }

    public func trainStep(_ batch: DetBatch) -> (loss: Double, detail: String) {
        let (loss, parts) = network.trainStep(batch)
        return (loss, " (" + parts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")")
    }

    public func update(learningRate: Float) { network.update(learningRate: learningRate, clipNorm: config.clipNorm.map(Float.init)) }

    public func saveWeights(to url: URL, step: Int) throws { try network.saveWeights(to: url, metadata: weightsMetadata(step: step)) }
}
