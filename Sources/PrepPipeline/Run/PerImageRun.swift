import Foundation
import PrepCore
import PrepConverters
import PrepFormats

/// The per-image family of dataset runs: gather (once, from the recipe's source) → parse
/// (converter) → the task passes (`TaskPass`), split by split, images in parallel with results
/// written in input order → report. Outputs are staged and renamed into place only when every
/// split succeeded; a download still in its archives is first extracted into the staged outputs
/// (`ArchiveStage`).
struct PerImageRun: DatasetFamily {
    let job: DatasetJob

    /// The task passes, in the order they write within a split (det, spotting, shipped-crop
    /// labels, KIE, PaddleOCR KIE, recog crops); each decides from the job whether it runs.
    static let planners: [(DatasetJob) throws -> (any TaskPass)?] = [
        DetPass.det, DetPass.spotting, LabelOnlyTask.plan, KIETask.plan, PaddleKIETask.plan, RecogTask.plan,
    ]

    /// The default family: every converter the others do not take (an unknown one is reported
    /// when the source is built).
    static func reads(_ recipe: Recipe) -> Bool { true }

    init(job: DatasetJob) { self.job = job }

    func run(report: RunReport) throws {
        try job.validate()
        job.noteOptions(in: report)
        let passes = try Self.planners.compactMap { try $0(job) }
        // A download still in its archives is extracted into the staged outputs first.
        let archive = try ArchiveStage(job: job)
        let early = try archive.map { _ in try OutputStaging(directory: job.outputDirectory) }
        let root = try archive.map { try $0.extract(into: early!, report: report) } ?? job.root
        defer { if root != job.root { report.renamePaths(under: root.path, to: job.outputDirectory.path) } }
        let gathering = SplitGathering(job: job)
        let source = passes.contains(where: \.readsSource)
            ? try DatasetSource(recipe: job.recipe, root: root, overrides: job.converterOptions, shard: gathering.earlyShard) : nil
        // Every split's layout is checked before any work starts.
        let gathered = try source.map { try gathering.gather($0, report: report) }
            ?? gathering.shard(job.splits.map { ($0, GatheredSplit(pairs: [], total: 0)) })
        let input = RunInput(job: job, report: report, source: source, gathered: gathered, gathering: gathering)
        for pass in passes { try pass.prepare(input) }

        let staging = try early ?? OutputStaging(directory: job.outputDirectory)
        do {
            let output = RunOutput(staging: staging, ledger: try job.shard.map { try ShardLedger(shard: $0, staging: staging) })
            for (name, total) in gathered.totals { output.ledger?.enumerated(name, total: total) }
            for pass in passes { try pass.open(input, output) }
            for split in job.splits {
                for pass in passes { try pass.run(split: split, input, output) }
            }
            for pass in passes { try pass.finish(input, output) }
            if job.strict && report.skippedCount > 0 {
                throw PrepError.failed("--strict: \(report.skippedCount) item(s) skipped; no output was written")
            }
            try output.ledger?.finish(report: report)
            try report.requireWritten()
            try staging.commit()
        } catch {
            staging.discard()
            throw error
        }
    }
}
