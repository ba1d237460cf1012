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
    public typealias Outcome = RecogTrainer.Outcome

    public struct Summary: Sendable {
        public var outcome: Outcome
        public var position: Position
        public var totalSteps: Int
        public var lastLoss: Double?
        public var validation: [(key: String, value: Double)]
        public var seconds: Double
        public var imagesPerSecond: Double
        public var failures: [(location: String, reason: String)]
        public var skippedPolygons: [(location: String, reason: String)]
    }

    public struct Tick: Sendable {
        public var step: Int
        public var totalSteps: Int
        public var epoch: Int
        public var loss: Double
        public var imagesPerSecond: Double
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

    /// Trains from `start` until the step budget is spent, Ctrl-C, or `stopAfterStep`.
    /// Throws on a NaN/infinite loss after saving `nan-step-N.safetensors`.
    public func run(from start: Position, stopAfterStep: Int? = nil) throws -> Summary {
        guard !train.isEmpty else { throw PrepError.failed("no training pages") }
        var pos = start
        let total = totalSteps
        let log = try RecogMetricsLog(url: folder.metrics, keepUpTo: start.step == 0 ? nil : start.step, primary: "hmean")
        var failures: [(location: String, reason: String)] = [], skipped: [(location: String, reason: String)] = []
        var lastLoss: Double? = nil
        var lastValidation: [(key: String, value: Double)] = []
        var trainSeconds = 0.0, trained = 0
        let began = Date()
        var epochLoss = 0.0, epochBatches = 0
        var outcome = Outcome.finished
        func checkpoint(_ pos: inout Position, epochDone: Bool) throws -> [(key: String, value: Double)] {
            let scores = try validate(step: pos.step, epoch: pos.epoch + 1, log: log, seconds: Date().timeIntervalSince(began))
            // Without validation data, the epoch's mean training loss (negated) picks the best.
            let hmean: Double? = scores.first { $0.key == "hmean" }?.value
            let meanLoss: Double? = epochBatches > 0 ? -epochLoss / Double(epochBatches) : nil
            let score = hmean ?? meanLoss
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
        training: while pos.step < total {
            let order = RecogBatchLoader.order(count: train.count, seed: config.seed, epoch: pos.epoch, shuffle: true)
            let loader = DetBatchLoader(pages: train, order: order,
                                        options: .init(size: config.crop, augment: config.augment, batchSize: config.batchSize,
                                                       workers: config.workers, prefetch: 2, seed: config.seed, epoch: pos.epoch),
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
                skipped += batch.skipped
                pos.batch = batch.number + 1
                guard batch.count > 0 else { continue }
                let (loss, parts) = network.trainStep(batch)
                if !loss.isFinite {
                    let nan = folder.url.appendingPathComponent("nan-step-\(pos.step + 1).safetensors")
                    try? network.saveWeights(to: nan, metadata: weightsMetadata(step: pos.step))
                    let detail = parts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                    throw PrepError.failed("the loss became \(loss) (\(detail)) at step \(pos.step + 1) (epoch \(pos.epoch + 1), batch \(batch.number + 1)): pages \(batch.names.joined(separator: ", ")); the weights of that moment are in \(nan.path)")
                }
                network.update(learningRate: schedule.lr(step: pos.step), clipNorm: config.clipNorm.map(Float.init))
                pos.step += 1
                let now = Date()
                let dt = now.timeIntervalSince(t0)
                t0 = now
                trainSeconds += dt
                trained += batch.count
                let ips = dt > 0 ? Double(batch.count) / dt : 0
                lastLoss = loss
                epochLoss += loss; epochBatches += 1
                log.step(pos.step, epoch: pos.epoch + 1, loss: loss, lr: Double(schedule.lr(step: pos.step - 1)), samplesPerSecond: ips,
                         seconds: now.timeIntervalSince(began))
                onTick?(Tick(step: pos.step, totalSteps: total, epoch: pos.epoch + 1, loss: loss, imagesPerSecond: ips))
                if let every = config.valEvery, pos.step % every == 0, pos.batch < loader.batchCount, pos.step < total {
                    lastValidation = try checkpoint(&pos, epochDone: false)
                    network.setTraining(true)
                    t0 = Date()
                }
            }
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
                       seconds: Date().timeIntervalSince(began), imagesPerSecond: trainSeconds > 0 ? Double(trained) / trainSeconds : 0,
                       failures: failures, skippedPolygons: skipped)
    }

    /// hmean-iou of the validation pages (MMOCR 1.x protocol, best score threshold), logged.
    func validate(step: Int, epoch: Int, log: RecogMetricsLog, seconds: Double) throws -> [(key: String, value: Double)] {
        guard !val.isEmpty else { return [] }
        let scores = Self.score(network: network, pages: val, scale: (config.valScale[0], config.valScale[1]), workers: config.workers)
        network.setTraining(true)
        log.validation(step, epoch: epoch, seconds: seconds, scores: scores, loss: nil)
        return scores
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

    public func save(_ pos: Position) throws {
        try network.saveWeights(to: folder.last, metadata: weightsMetadata(step: pos.step))
        try network.saveOptimizer(to: folder.state, metadata: pos.metadata(format: "prep-det-state", config: try config.json()))
    }

    /// The position and settings of the run in `folder`, from its resumable state file.
    public static func resumePoint(_ folder: RecogRunFolder) throws -> (Position, DetTrainConfig) {
        let (p, cfg) = try Position.parse(try Position.stateMetadata(folder), format: "prep-det-state", file: folder.state.path)
        return (p, try DetTrainConfig.fromJSON(cfg, source: folder.state.path))
    }

    func drawCurve(_ log: RecogMetricsLog) throws {
        try RecogRunFolder.write(LossCurvePlot().png(losses: log.losses, accuracy: log.accuracy), to: folder.lossCurve)
    }
}
