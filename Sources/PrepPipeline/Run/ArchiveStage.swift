import Foundation
import PrepCore

/// A download still in its archives (KAIST's zips, `recipe.archive`), extracted into the staged
/// outputs before a per-image run reads it: the run then reads the dataset from the staging
/// folder, and the report names the final output folder.
struct ArchiveStage {
    let job: DatasetJob
    let download: KAISTArchive

    /// What an archive extraction writes into the output folder (the layout `extract_kaist.py` leaves).
    static let extracted = ["imgs", "annotations"]

    /// The download to read from its archives: only when the extracted layout (the recipe's
    /// image folder) is absent. Nil when there is nothing to extract.
    init?(job: DatasetJob) throws {
        guard let kind = job.recipe.archive else { return nil }
        guard kind == "kaist-zips" else { throw PrepError.failed("dataset-zoo/\(job.recipe.name): unknown archive '\(kind)' (kaist-zips)") }
        let fm = FileManager.default
        let images = job.root.appendingPathComponent(expandTemplate(job.recipe.layout.images, split: job.splits.first ?? ""))
        guard !fm.fileExists(atPath: images.path), let download = KAISTArchive(root: job.root) else { return nil }
        for name in Self.extracted where job.outputDirectory.standardizedFileURL == job.root.standardizedFileURL
            && fm.fileExists(atPath: job.root.appendingPathComponent(name).path) {
            throw PrepError.layout("\(job.root.appendingPathComponent(name).path) exists beside KAIST/ without imgs/: move it away, or give -o OUT for the extracted files")
        }
        self.job = job
        self.download = download
    }

    /// Extracts the download into the staged outputs and returns the folder to read the dataset from.
    func extract(into staging: OutputStaging, report: RunReport) throws -> URL {
        let extracted = Self.extracted
        for name in extracted { _ = try staging.url(for: name) }
        let row = "\(job.splits.first ?? "training") archives"
        let summary = try download.extract(into: staging.stagingDirectory) { report.skip(split: row, file: $0, reason: $1) }
        report.update(split: row) {
            $0.images += summary.pairs
            $0.outputs += extracted.map { $0 + "/" }
        }
        report.notes.append("read \(summary.zips) zip(s) under \(download.folder.path) in place: \(summary.pairs) image/XML pair(s) written to imgs/ and annotations/ of the output folder (the download is not changed)")
        return staging.stagingDirectory
    }
}
