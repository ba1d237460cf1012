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

    public enum Outcome: String, Sendable { case finished, interrupted }

    public struct Summary: Sendable {
        public var outcome: Outcome
        public var position: Position
        public var totalSteps: Int
        public var lastLoss: Double?
        public var validation: [(key: String, value: Double)]
        public var seconds: Double
        public var samplesPerSecond: Double
        public var trainedSamples: Int
        public var failures: [(name: String, reason: String)]
    }

    /// What the progress display gets after each step.
    public struct Tick: Sendable {
        public var step: Int
        public var totalSteps: Int
        public var epoch: Int
        public var loss: Double
        public var samplesPerSecond: Double
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
    /// is requested (Ctrl-C), or `stopAfterStep` is reached (tests: "interrupt" at a step).
    /// Throws on a NaN/infinite loss after saving `nan-step-N.safetensors`.
    public func run(from start: Position, stopAfterStep: Int? = nil) throws -> Summary {
        guard !labels.entries.isEmpty else {
            throw PrepError.failed("no usable training samples (\(labels.skipped.count) skipped; see \(folder.skipped.path))")
        }
        var pos = start
        let total = totalSteps
        let log = try RecogMetricsLog(url: folder.metrics, keepUpTo: start.step == 0 ? nil : start.step)
        var failures: [(name: String, reason: String)] = []
        var lastLoss: Double? = nil
        var lastValidation: [(key: String, value: Double)] = []
        var trainSeconds = 0.0, trained = 0
        let began = Date()
        var epochLoss = 0.0, epochBatches = 0
        var outcome = Outcome.finished
        // Validate, keep the best, save the resumable state (the position after `pos`).
        func checkpoint(_ pos: inout Position, epochDone: Bool) throws -> [(key: String, value: Double)] {
            let (score, scores) = try validate(step: pos.step, epoch: pos.epoch + 1, log: log,
                                               trainLoss: epochBatches > 0 ? epochLoss / Double(epochBatches) : nil,
                                               seconds: Date().timeIntervalSince(began))
            if let score, pos.best.map({ score > $0 }) ?? true {
                pos.best = score
                pos.bestStep = pos.step
                try network.saveWeights(to: folder.best, metadata: weightsMetadata(step: pos.step))
            }
            epochLoss = 0; epochBatches = 0
            if epochDone { pos.epoch += 1; pos.batch = 0 }
            try save(pos)
            try drawCurve(log)
            return scores
        }
        let schedule = self.schedule
        precondition(network.classCount == charset.classCount)

        training: while pos.step < total {
            let order = RecogBatchLoader.order(count: labels.entries.count, seed: config.seed, epoch: pos.epoch, shuffle: true)
            let loader = RecogBatchLoader(source: train, entries: labels.entries, order: order,
                                          options: .init(spec: config.input, augment: config.augment, batchSize: config.batchSize,
                                                         workers: config.workers, prefetch: 4, seed: config.seed, epoch: pos.epoch),
                                          firstBatch: pos.batch)
            defer { loader.cancel() }
            network.setTraining(true)
            var t0 = Date()
            while pos.step < total {
                if stop.isRequested || stopAfterStep.map({ pos.step >= $0 }) == true {
                    outcome = .interrupted
                    break training
                }
                guard let batch = loader.next() else { break }
                failures += batch.failures
                pos.batch = batch.number + 1
                guard batch.count > 0 else { continue }
                _ = network.forward(batch)
                let targets = (0..<batch.count).map { batch.target($0).map(Int.init) }
                let loss = network.loss(targets: targets, backward: true).mean
                if !loss.isFinite {
                    let nan = folder.url.appendingPathComponent("nan-step-\(pos.step + 1).safetensors")
                    try? network.saveWeights(to: nan, metadata: weightsMetadata(step: pos.step))
                    throw PrepError.failed("the loss became \(loss) at step \(pos.step + 1) (epoch \(pos.epoch + 1), batch \(batch.number + 1)): samples \(batch.names.joined(separator: ", ")); the weights of that moment are in \(nan.path)")
                }
                network.update(learningRate: schedule.lr(step: pos.step), clipNorm: config.clipNorm.map(Float.init))
                pos.step += 1
                let now = Date()
                let dt = now.timeIntervalSince(t0)
                t0 = now
                trainSeconds += dt
                trained += batch.count
                let sps = dt > 0 ? Double(batch.count) / dt : 0
                lastLoss = Double(loss)
                epochLoss += Double(loss); epochBatches += 1
                log.step(pos.step, epoch: pos.epoch + 1, loss: Double(loss), lr: Double(schedule.lr(step: pos.step - 1)), samplesPerSecond: sps,
                         seconds: now.timeIntervalSince(began))
                onTick?(Tick(step: pos.step, totalSteps: total, epoch: pos.epoch + 1, loss: Double(loss), samplesPerSecond: sps))
                if let every = config.valEvery, pos.step % every == 0, pos.batch < loader.batchCount, pos.step < total {
                    lastValidation = try checkpoint(&pos, epochDone: false)
                    t0 = Date()
                }
            }
            // End of an epoch (or of the step budget): validate, keep the best, save.
            let epochDone = pos.batch >= loader.batchCount
            if epochDone || pos.step >= total {
                lastValidation = try checkpoint(&pos, epochDone: epochDone)
            }
        }
        if outcome == .interrupted {
            try save(pos)
            try drawCurve(log)
        }
        return Summary(outcome: outcome, position: pos, totalSteps: total, lastLoss: lastLoss, validation: lastValidation,
                       seconds: Date().timeIntervalSince(began), samplesPerSecond: trainSeconds > 0 ? Double(trained) / trainSeconds : 0,
                       trainedSamples: trained, failures: failures)
    }

    /// Validation (or, without a validation set, the epoch's mean training loss, lower is
    /// better, as the score that picks the best checkpoint: its negation).
    func validate(step: Int, epoch: Int, log: RecogMetricsLog, trainLoss: Double?, seconds: Double) throws -> (Double?, [(key: String, value: Double)]) {
        guard let val else {
            return (trainLoss.map { -$0 }, [])
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

    func drawCurve(_ log: RecogMetricsLog) throws {
        try RecogRunFolder.write(LossCurvePlot().png(losses: log.losses, accuracy: log.accuracy), to: folder.lossCurve)
    }
}
