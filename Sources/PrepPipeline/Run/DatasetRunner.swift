import Foundation
import PrepCore
import PrepConverters
import PrepFormats

/// Runs a dataset recipe: refuses what `--shard` cannot yet merge, then hands the job to the
/// family that reads the recipe's dataset (`DatasetFamily`): SynthText's streamed gt.mat,
/// COCO-like files rewritten record by record, or the per-image run whose tasks are `TaskPass`es
/// driven split by split. Outputs are staged and renamed into place only when the whole run succeeded.
public final class DatasetRunner {
    public let job: DatasetJob

    /// The families, asked in order; the last (`PerImageRun`) reads every other recipe.
    static let families: [any DatasetFamily.Type] = [SynthTextRunner.self, COCORecordJob.self, PerImageRun.self]

    public init(job: DatasetJob) { self.job = job }

    /// Runs the job. Structural problems throw (nothing is replaced); per-sample problems are
    /// skipped and listed in the returned report. Under `strict`, any skip fails the run.
    public func run(report: RunReport) throws {
        try ShardSupport.check(job)
        let family = Self.families.first { $0.reads(job.recipe) } ?? PerImageRun.self
        try family.init(job: job).run(report: report)
    }

    /// Lists a sample-level failure as skipped, under the report row `row`.
    static func reportSkip(_ error: PrepError, row: String, report: RunReport) {
        switch error {
        case let .input(file, line, reason): report.skip(split: row, file: file, line: line, reason: reason)
        case let .image(path, reason): report.skip(split: row, file: path, reason: reason)
        case let .io(path, reason): report.skip(split: row, file: path, reason: reason)
        default: report.skip(split: row, file: "", reason: error.description)
        }
    }
}
