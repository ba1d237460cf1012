import Foundation
import PrepCore

/// One task of a per-image dataset run (`PerImageRun`): det, spotting (`DetPass`), recog cut
/// from the det ground truth (`RecogTask`), recog from shipped crops (`LabelOnlyTask`), KIE
/// open-set files (`KIETask`), PaddleOCR KIE labels (`PaddleKIETask`).
///
/// DESIGN — one pass per task. The run gathers the recipe's source once (`RunInput`), stages
/// the output folder once (`RunOutput`), then drives every pass the same way:
///
///     plan   (each type's `plan(_:)`, in `PerImageRun.planners` order: request checks, nothing read)
///     prepare(input)                 each pass, before anything is staged: its own inputs
///     open(input, output)            each pass, once the staging folder exists
///     run(split:, input, output)     for split in job.splits, for pass in passes
///     finish(input, output)          each pass, after the last split
///
/// then the strict check, the shard ledger and the commit (all or nothing). A structural problem
/// (missing folder, bad request) throws from `plan` or `prepare`, before any output exists; a
/// per-sample problem is skipped and reported under the split's row.
///
/// Adding a task: write a type conforming to `TaskPass` with a `static func plan(_ job:
/// DatasetJob) throws -> Self?` (nil when the job does not ask for it; throw usage errors there),
/// and add its planner to `PerImageRun.planners` at the place its outputs belong in a split
/// (the order of the report's rows and of the files written). A dataset family that is not read
/// image by image (one streamed file, one COCO file for every image) is a `DatasetFamily`
/// instead (`SynthTextRunner`, `COCORecordJob`), listed in `DatasetRunner.families`.
protocol TaskPass {
    /// Whether the pass reads the recipe's source (the pairs in `RunInput`); when no pass does,
    /// the source is neither built nor gathered.
    var readsSource: Bool { get }
    /// Checks and gathers what this task reads beside the shared source (its own label files,
    /// its own converter's pairs). Runs before anything is staged.
    func prepare(_ input: RunInput) throws
    /// Opens what the task writes across splits (a recognition sink), once.
    func open(_ input: RunInput, _ output: RunOutput) throws
    /// Writes the task's outputs of `split`.
    func run(split: String, _ input: RunInput, _ output: RunOutput) throws
    /// Writes what the task writes once, after the last split (class lists, copied extras).
    func finish(_ input: RunInput, _ output: RunOutput) throws
}

extension TaskPass {
    var readsSource: Bool { false }
    func prepare(_ input: RunInput) throws {}
    func open(_ input: RunInput, _ output: RunOutput) throws {}
    func finish(_ input: RunInput, _ output: RunOutput) throws {}
}

/// What the passes of a per-image run read: the job, its report, and the pairs of every split
/// gathered once from the recipe's source (this shard's, with their positions).
struct RunInput {
    let job: DatasetJob
    let report: RunReport
    /// The recipe's source (nil when no pass reads it).
    let source: DatasetSource?
    /// The pairs and shard positions of every requested split (empty without a source).
    let gathered: GatheredSplits
    /// How the splits are gathered (`--shard`, `--val-ratio`): for passes that gather their own.
    let gathering: SplitGathering

    func pairs(_ split: String) -> [GatheredPair] { gathered.pairs[split] ?? [] }
}

/// Where the passes of a per-image run write: the staging folder (renamed into place when every
/// split succeeded) and, under `--shard`, the ledger `prep merge` reads.
struct RunOutput {
    let staging: OutputStaging
    let ledger: ShardLedger?
}
