import Foundation
import PrepCore

/// How a family of datasets is read and written as a whole: `PerImageRun` (images paired with
/// annotations, or one annotation file listing them; the task passes driven split by split),
/// `SynthTextRunner` (gt.mat streamed image by image), `COCORecordJob` (COCO-like files
/// rewritten record by record, images not read). `DatasetRunner` runs the first family of
/// `DatasetRunner.families` that reads the recipe, else `PerImageRun`.
///
/// Adding a family: a type conforming to `DatasetFamily` (it validates the job and fills the
/// report's options itself: each family records what applies to it) and one entry in
/// `DatasetRunner.families`. A new task of the per-image family is a `TaskPass` instead.
protocol DatasetFamily {
    /// Whether this family reads `recipe`'s dataset (by its converter).
    static func reads(_ recipe: Recipe) -> Bool
    init(job: DatasetJob)
    /// Runs every requested split and task; outputs appear only when the whole run succeeded.
    func run(report: RunReport) throws
}

extension DatasetJob {
    /// The options every image-reading family notes in its report.
    func noteOptions(in report: RunReport) {
        report.dataset = recipe.name
        report.options["exif"] = exif.rawValue
        report.options["nproc"] = String(workers)
        report.options["splits"] = splits.joined(separator: ",")
        report.options["tasks"] = tasks.joined(separator: ",")
        report.options["to"] = target.rawValue
    }
}
