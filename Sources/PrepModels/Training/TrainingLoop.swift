import Foundation
import PrepCore
import PrepNN

/// A batch as the training loop sees it: its place in the epoch, its size and who is in it
/// (named in a NaN message).
public protocol TrainingBatch {
    /// Position of this batch in its epoch (0-based).
    var number: Int { get }
    var count: Int { get }
    var names: [String] { get }
}

/// An epoch's batches, built ahead on worker threads (`RecogBatchLoader`, `DetBatchLoader`).
public protocol TrainingBatchLoader: AnyObject {
    associatedtype Batch: TrainingBatch
    var batchCount: Int { get }
    func next() -> Batch?
    func cancel()
}

/// What differs between trainers — the model step that `TrainingLoop` drives: the batches of an
/// epoch, one forward + backward, one optimizer step, validation, checkpoints.
/// `RecogTrainer` and `DetTrainer` conform.
public protocol TrainingModelStep: AnyObject {
    associatedtype Loader: TrainingBatchLoader
    typealias Batch = Loader.Batch
    var folder: RecogRunFolder { get }
    /// How a NaN message names the items of a batch ("samples", "pages").
    var batchItems: String { get }
    /// The batches of `epoch` (its seeded order), from batch `first` on.
    func loader(epoch: Int, first: Int) -> Loader
    func setTraining(_ training: Bool)
    /// Forward and backward on `batch` (gradients accumulated); the loss, and what a NaN message
    /// adds after it (e.g. " (loss parts)"; empty for none).
    func trainStep(_ batch: Batch) -> (loss: Double, detail: String)
    /// Clips, steps the optimizer at `learningRate`, zeroes the gradients.
    func update(learningRate: Float)
    /// Validates and logs; returns the scores and the score that picks the best checkpoint
    /// (higher is better; `meanTrainLoss` is the mean training loss since the last checkpoint).
    func validate(step: Int, epoch: Int, log: RecogMetricsLog, meanTrainLoss: Double?, seconds: Double) throws
        -> (score: Double?, scores: [(key: String, value: Double)])
    /// Writes the weights (with the trainer's metadata at `step`) to `url`.
    func saveWeights(to url: URL, step: Int) throws
    /// Writes `last.safetensors` and the resumable state at `position`.
    func save(_ position: TrainingPosition) throws
}

/// How a run ended.
public enum TrainingOutcome: String, Sendable { case finished, interrupted }

/// What the progress display gets after each step.
public struct TrainingTick: Sendable {
    public var step: Int
    public var totalSteps: Int
    public var epoch: Int
    public var loss: Double
    public var samplesPerSecond: Double
}

/// The end of a run: where it stopped and how it went.
public struct TrainingSummary: Sendable {
    public var outcome: TrainingOutcome
    public var position: TrainingPosition
    public var totalSteps: Int
    public var lastLoss: Double?
    public var validation: [(key: String, value: Double)]
    public var seconds: Double
    public var samplesPerSecond: Double
    public var trainedSamples: Int
}

/// The epoch loop every trainer runs: seeded epochs of batches from the model's loader, the LR
/// schedule, a checkpoint (validate, keep the best, save the resumable state, draw the curve)
/// every `valEvery` steps and at the end of each epoch and of the step budget, Ctrl-C (the
/// `StopSignal`) and NaN handling, the metrics log.
///
/// A checkpoint saves the position *after* its step, so a run stopped anywhere and resumed with
/// `run(from: resumePoint)` computes what the uninterrupted run would have.
public struct TrainingLoop<Model: TrainingModelStep> {
    public let model: Model
    public var totalSteps: Int
    public var schedule: LRSchedule
    public var valEvery: Int?
    /// The validation score the metrics log's curve draws.
    public var primaryMetric: String
    public var stop: StopSignal
    public var onTick: ((TrainingTick) -> Void)?

    public init(model: Model, totalSteps: Int, schedule: LRSchedule, valEvery: Int?, primaryMetric: String,
                stop: StopSignal, onTick: ((TrainingTick) -> Void)?) {
        self.model = model
        self.totalSteps = totalSteps
        self.schedule = schedule
        self.valEvery = valEvery
        self.primaryMetric = primaryMetric
        self.stop = stop
        self.onTick = onTick
    }

    /// Trains from `start` (a fresh run: `TrainingPosition()`) until the step budget is spent, a
    /// stop is requested (Ctrl-C), or `stopAfterStep` is reached (tests: "interrupt" at a step).
    /// `loaded` sees every batch as it arrives (its failures). Throws on a NaN/infinite loss
    /// after saving `nan-step-N.safetensors`.
    public func run(from start: TrainingPosition, stopAfterStep: Int? = nil, loaded: (Model.Batch) -> Void = { _ in }) throws -> TrainingSummary {
        let folder = model.folder
        var pos = start
        let total = totalSteps
        let log = try RecogMetricsLog(url: folder.metrics, keepUpTo: start.step == 0 ? nil : start.step, primary: primaryMetric)
        var lastLoss: Double? = nil
        var lastValidation: [(key: String, value: Double)] = []
        var trainSeconds = 0.0, trained = 0
        let began = Date()
        var epochLoss = 0.0, epochBatches = 0
        var outcome = TrainingOutcome.finished
        // Validate, keep the best, save the resumable state (the position after `pos`).
        func checkpoint(_ pos: inout TrainingPosition, epochDone: Bool) throws -> [(key: String, value: Double)] {
            let (score, scores) = try model.validate(step: pos.step, epoch: pos.epoch + 1, log: log,
                                                     meanTrainLoss: epochBatches > 0 ? epochLoss / Double(epochBatches) : nil,
                                                     seconds: Date().timeIntervalSince(began))
            if let score, pos.best.map({ score > $0 }) ?? true {
                pos.best = score
                pos.bestStep = pos.step
                try model.saveWeights(to: folder.best, step: pos.step)
            }
            epochLoss = 0; epochBatches = 0
            if epochDone { pos.epoch += 1; pos.batch = 0 }
            try model.save(pos)
            try drawCurve(log)
            return scores
        }

        training: while pos.step < total {
            let loader = model.loader(epoch: pos.epoch, first: pos.batch)
            defer { loader.cancel() }
            model.setTraining(true)
            var t0 = Date()
            while pos.step < total {
                if stop.isRequested || stopAfterStep.map({ pos.step >= $0 }) == true {
                    outcome = .interrupted
                    break training
                }
                guard let batch = loader.next() else { break }
                loaded(batch)
                pos.batch = batch.number + 1
                guard batch.count > 0 else { continue }
                TrainingTestHold.holdIfAsked(step: pos.step + 1)
                let (loss, detail) = model.trainStep(batch)
                if !loss.isFinite {
                    let nan = folder.url.appendingPathComponent("nan-step-\(pos.step + 1).safetensors")
                    try? model.saveWeights(to: nan, step: pos.step)
                    throw PrepError.failed("the loss became \(loss)\(detail) at step \(pos.step + 1) (epoch \(pos.epoch + 1), batch \(batch.number + 1)): \(model.batchItems) \(batch.names.joined(separator: ", ")); the weights of that moment are in \(nan.path)")
                }
                model.update(learningRate: schedule.lr(step: pos.step))
                pos.step += 1
                let now = Date()
                let dt = now.timeIntervalSince(t0)
                t0 = now
                trainSeconds += dt
                trained += batch.count
                let sps = dt > 0 ? Double(batch.count) / dt : 0
                lastLoss = loss
                epochLoss += loss; epochBatches += 1
                log.step(pos.step, epoch: pos.epoch + 1, loss: loss, lr: Double(schedule.lr(step: pos.step - 1)), samplesPerSecond: sps,
                         seconds: now.timeIntervalSince(began))
                onTick?(TrainingTick(step: pos.step, totalSteps: total, epoch: pos.epoch + 1, loss: loss, samplesPerSecond: sps))
                if let every = valEvery, pos.step % every == 0, pos.batch < loader.batchCount, pos.step < total {
                    lastValidation = try checkpoint(&pos, epochDone: false)
                    model.setTraining(true)
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
            try model.save(pos)
            try drawCurve(log)
        }
        return TrainingSummary(outcome: outcome, position: pos, totalSteps: total, lastLoss: lastLoss, validation: lastValidation,
                               seconds: Date().timeIntervalSince(began), samplesPerSecond: trainSeconds > 0 ? Double(trained) / trainSeconds : 0,
                               trainedSamples: trained)
    }

    func drawCurve(_ log: RecogMetricsLog) throws {
        try RecogRunFolder.write(LossCurvePlot().png(losses: log.losses, accuracy: log.accuracy), to: model.folder.lossCurve)
    }
}

extension RecogBatch: TrainingBatch {}
extension DetBatch: TrainingBatch {}
extension RecogBatchLoader: TrainingBatchLoader {}
extension DetBatchLoader: TrainingBatchLoader {}
