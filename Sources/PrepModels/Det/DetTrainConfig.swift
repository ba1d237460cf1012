import Foundation
import PrepCore

/// Everything that defines a detector training run: written to `RUN/config.yaml` for people and,
/// as JSON, into the resumable checkpoint's metadata, so `--resume` continues with the settings
/// the run started with.
public struct DetTrainConfig: Codable, Sendable, Equatable {
    public var train: [String]
    public var val: [String] = []
    /// Folder the annotations' image paths are relative to (default: each file's folder).
    public var images: String?
    public var epochs: Int? = 20
    public var steps: Int?
    public var batchSize = 8
    /// Adam's learning rate (see `DetTrainer` for why Adam rather than MMOCR's SGD).
    public var learningRate = 1e-3
    /// `constant`, `poly` (MMOCR's: (1 − step/total)^0.9) or `cosine`.
    public var schedule = "poly"
    public var warmupSteps = 0
    public var clipNorm: Double? = nil
    /// Training crop side (MMOCR: 640); a multiple of 32.
    public var crop = 640
    public var augment: DetAugment? = DetAugment()
    /// Validation resize `(long, short)`, keep ratio (MMOCR's test pipeline: 4068, 1024).
    public var valScale = [4068, 1024]
    public var model = "small"
    public var seed: UInt64 = 0
    public var workers = 2
    public var valEvery: Int? = nil

    public init(train: [String]) { self.train = train }

    public func validate() throws {
        guard !train.isEmpty else { throw PrepError.usage("give training data with --train") }
        guard batchSize >= 1 else { throw PrepError.usage("--batch must be at least 1") }
        guard learningRate > 0, learningRate.isFinite else { throw PrepError.usage("--lr must be a positive number") }
        guard ["constant", "poly", "cosine"].contains(schedule) else { throw PrepError.usage("--schedule must be constant, poly or cosine (got '\(schedule)')") }
        if let e = epochs { guard e >= 1 else { throw PrepError.usage("--epochs must be at least 1") } }
        if let s = steps { guard s >= 1 else { throw PrepError.usage("--steps must be at least 1") } }
        guard epochs != nil || steps != nil else { throw PrepError.usage("give --epochs or --steps") }
        guard crop >= 64, crop % 32 == 0 else { throw PrepError.usage("--crop must be a multiple of 32, at least 64 (got \(crop))") }
        guard valScale.count == 2, valScale.allSatisfy({ $0 >= 32 }) else { throw PrepError.usage("--val-scale must be LONG,SHORT, each at least 32") }
        guard DBNetDetector.modelNames.contains(model) else { throw PrepError.usage("--model must be \(DBNetDetector.modelNames.joined(separator: " or ")) (got '\(model)')") }
        if let v = valEvery { guard v >= 1 else { throw PrepError.usage("--val-every must be at least 1") } }
        if let c = clipNorm { guard c > 0 else { throw PrepError.usage("--clip must be positive") } }
    }

    /// The run's settings as YAML (flat keys, JSON-quoted strings).
    public var yaml: String {
        let y = RunConfigYAML()
        func num(_ d: Double) -> String { y.number(d) }
        var lines = y.common(command: "det", model: model, train: train, val: val, images: images, epochs: epochs, steps: steps,
                             batchSize: batchSize, optimizer: "adam", learningRate: learningRate, schedule: schedule,
                             warmupSteps: warmupSteps, clipNorm: clipNorm) + [
            "crop: \(crop)",
            "val_scale: [\(valScale.map(String.init).joined(separator: ", "))]",
        ]
        if let a = augment {
            lines += ["augment:", "  brightness: \(num(a.brightness))", "  saturation: \(num(a.saturation))", "  flip: \(num(a.flipProbability))",
                      "  max_degrees: \(num(a.maxDegrees))", "  scale: [\(num(a.scaleRange[0])), \(num(a.scaleRange[1]))]",
                      "  min_side_ratio: \(num(a.minSideRatio))"]
        } else {
            lines.append("augment: null")
        }
        lines += ["seed: \(seed)", "workers: \(workers)", "val_every: \(valEvery.map(String.init) ?? "null")"]
        return lines.joined(separator: "\n") + "\n"
    }

    public func json() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: try e.encode(self), as: UTF8.self)
    }

    public static func fromJSON(_ s: String, source: String) throws -> DetTrainConfig {
        do { return try JSONDecoder().decode(DetTrainConfig.self, from: Data(s.utf8)) } catch {
            throw PrepError.input(file: source, line: nil, reason: "the run's saved settings cannot be read (\(error))")
        }
    }
}
