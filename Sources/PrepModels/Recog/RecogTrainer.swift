import Foundation
import PrepCore
import PrepNN

/// The training loop of a recognizer: seeded epochs over the usable samples, the LR schedule,
/// clipping and the optimizer, validation after each epoch, checkpoints (best + last weights
/// and a resumable state), the metrics log and loss curve, Ctrl-C and NaN handling.
///
/// Everything that decides the next step — weights, BatchNorm statistics, optimizer moments and
/// step count, epoch and batch position, the seed — is in `last.safetensors` +
/// `last.state.safetensors`; data order and augmentation are functions of (seed, epoch, sample),
/// so a resumed run computes exactly what the uninterrupted run would have.
public final class RecogTrainer {
    public typealias Position = TrainingPosition

    public typealias Outcome = TrainingOutcome
    public typealias Tick = TrainingTick

    /// The loop's summary (`TrainingSummary`'s fields read through) and the samples that could
    /// not be read.
    @dynamicMemberLookup
    public struct Summary: Sendable {
        public var run: TrainingSummary
        public var failures: [(name: String, reason: String)]
        public subscript<T>(dynamicMember path: KeyPath<TrainingSummary, T>) -> T { run[keyPath: path] }
    }

    public let config: RecogTrainConfig
    public let folder: RecogRunFolder
    public let charset: Charset
    public let network: RecogNetwork
    public let train: any RecogSampleSource
    public let labels: RecogLabelSet
    public let val: (any RecogSampleSource)?
    public var scorer: RecogMetricScorer = PrepEvalRecogScorer()
    public var stop: StopSignal = .shared
    public var onTick: ((Tick) -> Void)?
    public var onValidation: ((Int, [(key: String, value: Double)]) -> Void)?

    public init(config: RecogTrainConfig, folder: RecogRunFolder, charset: Charset, network: RecogNetwork,
                train: any RecogSampleSource, labels: RecogLabelSet, val: (any RecogSampleSource)?) {
        self.config = config
        self.folder = folder
        self.charset = charset
        self.network = network
        self.train = train
        self.labels = labels
        self.val = val
    }

    /// The training entries' widths when the input asks for width buckets (read once per run).
    lazy var buckets: RecogWidthBuckets? = config.input.keepRatio && config.input.widthBuckets
        ? RecogWidthBuckets(source: train, entries: labels.entries, spec: config.input, workers: config.workers) : nil

    public var batchesPerEpoch: Int { (labels.entries.count + config.batchSize - 1) / config.batchSize }
    public var totalSteps: Int { config.steps ?? (config.epochs ?? 1) * batchesPerEpoch }

    /// The learning-rate schedule (the engine's `LRSchedule`): constant; ×0.1 at 60 % and 90 %
    /// of the steps (`MultiStepLR`); or cosine to 0 — after a linear warm-up.
    public var schedule: LRSchedule {
        let total = totalSteps
        let decay: LRSchedule.Decay
        switch config.schedule {
        case "step": decay = .multiStep(milestones: [Int(Double(total) * 0.6), Int(Double(total) * 0.9)], gamma: 0.1)
        case "cosine": decay = .cosine(totalSteps: total, minLR: 0)
        default: decay = .constant
        }
        return LRSchedule(base: Float(config.learningRate), decay: decay, warmupSteps: config.warmupSteps)
    }

    /// Trains from `position` (a fresh run: `Position()`) until the step budget is spent, a stop
    /// is requested (Ctrl-C), or `stopAfterStep` is reached (tests: "interrupt" at a step), in
    /// `TrainingLoop`. Throws on a NaN/infinite loss after saving `nan-step-N.safetensors`.
    public func run(from start: Position, stopAfterStep: Int? = nil) throws -> Summary {
        guard !labels.entries.isEmpty else {
            throw PrepError.failed("no usable training samples (\(labels.skipped.count) skipped; see \(folder.skipped.path))")
        }
        precondition(network.classCount == charset.classCount)
        var failures: [(name: String, reason: String)] = []
        let loop = TrainingLoop(model: self, totalSteps: totalSteps, schedule: schedule, valEvery: config.valEvery, primaryMetric: "word_acc",
                                stop: stop, onTick: onTick)
        let run = try loop.run(from: start, stopAfterStep: stopAfterStep) { failures += $0.failures }
        return Summary(run: run, failures: failures)
    }

    /// Validation (or, without a validation set, the mean training loss, lower is better, as the
    /// score that picks the best checkpoint: its negation).
    public func validate(step: Int, epoch: Int, log: RecogMetricsLog, meanTrainLoss: Double?, seconds: Double) throws
        -> (score: Double?, scores: [(key: String, value: Double)]) {
        guard let val else {
            return (meanTrainLoss.map { -$0 }, [])
        }
        var failures: [(name: String, reason: String)] = []
        let outputs = RecogPredictor(network: network, charset: charset, spec: config.input, batchSize: config.batchSize,
                                     workers: config.workers).run(val, withLoss: true, failures: &failures)
        network.setTraining(true)
        let scores = scorer.score(predictions: outputs.map(\.prediction.text), labels: outputs.map(\.label))
        let losses = outputs.compactMap(\.loss).filter(\.isFinite)
        log.validation(step, epoch: epoch, seconds: seconds, scores: scores, loss: losses.isEmpty ? nil : Double(losses.reduce(0, +)) / Double(losses.count))
        onValidation?(epoch, scores)
        return (scores.first { $0.key == scorer.primaryKey }?.value, scores)
    }

    func weightsMetadata(step: Int) -> [String: String] {
        let spec = (try? String(decoding: JSONEncoder().encode(config.input), as: UTF8.self)) ?? ""
        return ["format": "prep-recog", "model": config.model, "charset": charset.dictionaryFile,
                "lowercase": String(charset.lowercase), "input": spec, "step": String(step)]
    }

    /// Writes `last.safetensors` and `last.state.safetensors` (the position and the settings
    /// in its metadata).
    public func save(_ pos: Position) throws {
        try network.saveWeights(to: folder.last, metadata: weightsMetadata(step: pos.step))
        try network.saveOptimizer(to: folder.state, metadata: pos.metadata(format: "prep-recog-state", config: try config.json()))
    }

    /// The position and settings saved in a state file's metadata.
    public static func position(from meta: [String: String], file: String) throws -> (Position, RecogTrainConfig) {
        let (p, cfg) = try Position.parse(meta, format: "prep-recog-state", file: file)
        return (p, try RecogTrainConfig.fromJSON(cfg, source: file))
    }

    /// The position and settings of the run in `folder`, from its resumable state file.
    public static func resumePoint(_ folder: RecogRunFolder) throws -> (Position, RecogTrainConfig) {
        try position(from: try Position.stateMetadata(folder), file: folder.state.path)
    }
}

/// The recognizer's model step for `TrainingLoop`: CTC loss on the CRNN's output.
extension RecogTrainer: TrainingModelStep {
    public var batchItems: String { "samples" }

    public func loader(epoch: Int, first: Int) -> RecogBatchLoader {
        var order = RecogBatchLoader.order(count: labels.entries.count, seed: config.seed, epoch: epoch, shuffle: true)
        if let buckets {
            var rng = RecogRandom(seed: config.seed, 0xB0C5, UInt64(epoch))
            order = buckets.order(order, batchSize: config.batchSize, rng: &rng)
        }
        return RecogBatchLoader(source: train, entries: labels.entries, order: order,
                                options: .init(spec: config.input, augment: config.augment, batchSize: config.batchSize,
                                               workers: config.workers, prefetch: 4, seed: config.seed, epoch: epoch, buckets: buckets),
                                firstBatch: first)
    }

    public func setTraining(_ training: Bool) { network.setTraining(training) }

    public func trainStep(_ batch: RecogBatch) -> (loss: Double, detail: String) {
        _ = network.forward(batch)
        let targets = (0..<batch.count).map { batch.target($0).map(Int.init) }
        return (Double(network.loss(targets: targets, backward: true).mean), "")
    }

    public func update(learningRate: Float) { network.update(learningRate: learningRate, clipNorm: config.clipNorm.map(Float.init)) }

    public func saveWeights(to url: URL, step: Int) throws { try network.saveWeights(to: url, metadata: weightsMetadata(step: step)) }
}
