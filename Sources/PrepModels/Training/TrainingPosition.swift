import Foundation
import PrepCore
import PrepNN

/// Where a training run is — the next batch to train on and the best validation so far — and
/// how it is kept in the resumable state file's metadata (`last.state.safetensors`), with the
/// run's settings as JSON. Shared by the recognizer's and the detector's trainers.
public struct TrainingPosition: Equatable, Sendable {
    public var step = 0
    public var epoch = 0
    public var batch = 0
    public var best: Double? = nil
    public var bestStep = 0
    public init() {}

    /// The state file's metadata: `format`, the settings (`config`, JSON), the counters, the best
    /// score (bit pattern, so it round-trips exactly).
    public func metadata(format: String, config: String) -> [String: String] {
        var meta = ["format": format, "config": config, "step": String(step), "epoch": String(epoch),
                    "batch": String(batch), "best_step": String(bestStep)]
        if let b = best { meta["best"] = String(b.bitPattern) }
        return meta
    }

    /// The position and settings JSON saved by `metadata(format:config:)`.
    public static func parse(_ meta: [String: String], format: String, file: String) throws -> (TrainingPosition, String) {
        guard meta["format"] == format, let cfg = meta["config"],
              let step = meta["step"].flatMap(Int.init), let epoch = meta["epoch"].flatMap(Int.init), let batch = meta["batch"].flatMap(Int.init) else {
            throw PrepError.input(file: file, line: nil, reason: "not a resumable \(format) training state (metadata format/config/step/epoch/batch missing)")
        }
        var p = TrainingPosition()
        p.step = step; p.epoch = epoch; p.batch = batch
        p.bestStep = meta["best_step"].flatMap(Int.init) ?? 0
        p.best = meta["best"].flatMap(UInt64.init).map(Double.init(bitPattern:))
        return (p, cfg)
    }

    /// The resumable state's metadata of the run in `folder` (a usage error when there is none).
    public static func stateMetadata(_ folder: RecogRunFolder) throws -> [String: String] {
        guard FileManager.default.fileExists(atPath: folder.state.path), FileManager.default.fileExists(atPath: folder.last.path) else {
            throw PrepError.usage("\(folder.url.path) holds no resumable run (last.safetensors and last.state.safetensors)")
        }
        return try SafeTensors.read(path: folder.state.path).metadata
    }
}
