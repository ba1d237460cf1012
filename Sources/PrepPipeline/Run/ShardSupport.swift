import Foundation
import PrepCore
import PrepConverters
import PrepFormats

/// What `--shard` covers in a dataset run, and how each output is merged.
enum ShardSupport {
    /// Refuses, before any work, the runs whose outputs `prep merge` cannot yet restore byte for
    /// byte (so a cluster job fails at once instead of after hours).
    static func check(_ job: DatasetJob) throws {
        guard job.shard != nil else { return }
        let recipe = job.recipe
        func refuse(_ what: String) throws -> Never {
            throw PrepError.usage("--shard: \(recipe.name) \(what); sharding it is not supported yet (run it unsharded)")
        }
        if job.outputDirectory.standardizedFileURL == job.root.standardizedFileURL {
            throw PrepError.usage("--shard needs its own output folder per shard: give -o OUT/shard-I (prep merge OUT OUT/shard-* joins them)")
        }
        if ConverterRegistry.cocoRecord[recipe.converter] != nil { try refuse("reads one COCO-style file for all images (\(recipe.converter))") }
        if recipe.archive != nil { try refuse("is extracted from its archives") }
        if job.tasks.contains("kie") { try refuse("--task kie writes one file across images") }
        if kind(job.target) == nil { try refuse("--to \(job.target.rawValue) writes self-contained folders that prep merge does not join yet") }
        if job.tasks.contains("recog"), let r = recipe.recog {
            if r.numberedName != nil { try refuse("numbers its crops across the split (\(r.numberedName!))") }
        }
    }

    /// How `prep merge` reads the detection files of `target` (nil: not mergeable; refused by `check`).
    static func kind(_ target: AnnotationTarget) -> ShardOutputKind? {
        switch target {
        case .mmocr0: return .coco0
        case .coco: return .coco
        case .mmocr1: return .jsonList
        case .paddle, .lineJSON: return .lines
        case .lmdb: return .lmdb
        case .doctr, .hf, .tesstrain, .easyocr, .paddleKIE: return nil
        }
    }

    /// The kind the ledger notes for `target`'s records; the ledger exists only under `--shard`,
    /// where `check` has already refused the targets without a kind.
    static func recordKind(_ target: AnnotationTarget) -> ShardOutputKind { kind(target) ?? .lines }
}
