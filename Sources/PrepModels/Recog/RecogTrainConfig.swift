import Foundation
import PrepCore

/// Everything that defines a recognizer training run. Written to `RUN/config.yaml` for people
/// and, as JSON, into the resumable checkpoint's metadata, so `--resume` continues with exactly
/// the settings the run started with.
public struct RecogTrainConfig: Codable, Sendable, Equatable {
    public var train: [String]
    public var val: [String] = []
    /// Folder the label files' image names are relative to (default: each file's folder).
    public var images: String?
    /// Stop after this many epochs, or this many optimizer steps (whichever is given; steps
    /// win when both are).
    public var epochs: Int? = 5
    public var steps: Int?
    public var batchSize = 64
    public var learningRate = RecogTrainConfig.adamLearningRate
    /// Adam's default learning rate: 0.002 left CTC's blank plateau within the 30-minute
    /// benchmark where 0.001 had not (README, accuracy benchmark).
    public static let adamLearningRate = 2e-3
    /// `adam` or `adadelta` (MMOCR's recipe: Adadelta, lr 1.0).
    public var optimizer = "adam"
    /// `constant`, `step` (× 0.1 at 60 % and 90 % of the steps) or `cosine` (to 0).
    public var schedule = "cosine"
    public var warmupSteps = 0
    /// Clip the global gradient norm to this (nil: no clipping, as MMOCR's CRNN).
    public var clipNorm: Double? = nil
    /// `labels` (built from the training labels), `DICT36`, `DICT90` or a dictionary file.
    public var dictionary = "labels"
    public var input = RecogInputSpec()
    public var augment: RecogAugment? = RecogAugment()
    public var seed: UInt64 = 0
    public var workers = 2
    /// Also validate (and save) every this many steps, not only after each epoch.
    public var valEvery: Int? = nil
    /// Write the label audit at the end.
    public var audit = false
    /// Predictions at least this confident that contradict the label are listed by the audit.
    public var auditConfidence = 0.9
    /// The model (`CRNNRecognizer.modelNames`): by default MMOCR's CRNN at half widths, a quarter
    /// of the full model's work per sample (CPU training).
    public var model = "crnn-small"

    public init(train: [String]) { self.train = train }

    /// Usage errors (exit 2) for values that cannot work.
    public func validate() throws {
        guard !train.isEmpty else { throw PrepError.usage("give training data with --train") }
        guard batchSize >= 1 else { throw PrepError.usage("--batch must be at least 1") }
        guard learningRate > 0, learningRate.isFinite else { throw PrepError.usage("--lr must be a positive number") }
        guard ["adam", "adadelta"].contains(optimizer) else { throw PrepError.usage("--optimizer must be adam or adadelta (got '\(optimizer)')") }
        guard ["constant", "step", "cosine"].contains(schedule) else { throw PrepError.usage("--schedule must be constant, step or cosine (got '\(schedule)')") }
        if let e = epochs { guard e >= 1 else { throw PrepError.usage("--epochs must be at least 1") } }
        if let s = steps { guard s >= 1 else { throw PrepError.usage("--steps must be at least 1") } }
        guard epochs != nil || steps != nil else { throw PrepError.usage("give --epochs or --steps") }
        guard input.height == 32 else { throw PrepError.usage("the CRNN reads images 32 pixels high") }
        guard input.width >= 32, input.width % 4 == 0 else { throw PrepError.usage("--max-width must be a multiple of 4, at least 32 (got \(input.width))") }
        guard input.channels == 1 || input.channels == 3 else { throw PrepError.usage("images are gray (1 channel) or colour (3)") }
        guard CRNNRecognizer.modelNames.contains(model) else {
            throw PrepError.usage("--model must be one of \(CRNNRecognizer.modelNames.joined(separator: ", ")) (got '\(model)')")
        }
        if let v = valEvery { guard v >= 1 else { throw PrepError.usage("--val-every must be at least 1") } }
        if let c = clipNorm { guard c > 0 else { throw PrepError.usage("--clip must be positive") } }
    }

    /// The run's settings as YAML (hand-written: flat keys, JSON-style quoted strings, which
    /// YAML reads as they are).
    public var yaml: String {
        let y = RunConfigYAML()
        func q(_ s: String) -> String { y.string(s) }
        func num(_ d: Double) -> String { y.number(d) }
        var lines = y.common(command: "recog", model: model, train: train, val: val, images: images, epochs: epochs, steps: steps,
                             batchSize: batchSize, optimizer: optimizer, learningRate: learningRate, schedule: schedule,
                             warmupSteps: warmupSteps, clipNorm: clipNorm) + [
            "dictionary: \(q(dictionary))",
            "input:",
            "  height: \(input.height)",
            "  width: \(input.width)",
            "  keep_ratio: \(input.keepRatio)",
            "  min_width: \(input.minWidth)",
            "  channels: \(input.channels)",
            "  mean: \(num(Double(input.mean)))",
            "  std: \(num(Double(input.std)))",
            "  width_buckets: \(input.widthBuckets)",
        ]
        if let a = augment {
            lines += ["augment:", "  probability: \(num(a.probability))", "  max_degrees: \(num(a.maxDegrees))",
                      "  brightness: \(num(a.brightness))", "  contrast: \(num(a.contrast))"]
        } else {
            lines.append("augment: null")
        }
        lines += ["seed: \(seed)", "workers: \(workers)", "val_every: \(valEvery.map(String.init) ?? "null")", "audit: \(audit)", "audit_confidence: \(num(auditConfidence))"]
        return lines.joined(separator: "\n") + "\n"
    }

    public func json() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: try e.encode(self), as: UTF8.self)
    }

    public static func fromJSON(_ s: String, source: String) throws -> RecogTrainConfig {
        do { return try JSONDecoder().decode(RecogTrainConfig.self, from: Data(s.utf8)) } catch {
            throw PrepError.input(file: source, line: nil, reason: "the run's saved settings cannot be read (\(error))")
        }
    }
}
