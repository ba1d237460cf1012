import Foundation
import PrepCore
import PrepConverters

/// A dataset's `kie` task (WildReceipt): for each split, the close-set file is converted to the
/// open-set form (`CloseSetToOpenSet`, as MMOCR's kie/closeset_to_openset.py) and, when OUT is
/// not the dataset root, the close-set file and the recipe's extra files (class list,
/// dictionary) are copied beside it, so OUT holds everything a KIE config reads.
struct KIETask: TaskPass {
    let settings: Recipe.KIESettings
    let job: DatasetJob
    let layout: Recipe.Layout

    init(recipe: Recipe, job: DatasetJob) throws {
        guard let kie = recipe.kie else {
            if recipe.paddleKIE != nil { throw PrepError.usage("\(recipe.name) --task kie writes PaddleOCR KIE labels: add --to paddle") }
            throw PrepError.failed("dataset-zoo/\(recipe.name): the kie task needs a 'kie' section")
        }
        settings = kie
        self.job = job
        layout = recipe.layout
    }

    /// `--task kie` with any target but PaddleOCR's (`PaddleKIETask`); every input checked.
    static func plan(_ job: DatasetJob) throws -> KIETask? {
        guard job.tasks.contains("kie"), job.target != .paddle else { return nil }
        let task = try KIETask(recipe: job.recipe, job: job)
        try task.check()
        return task
    }

    func run(split: String, _ input: RunInput, _ output: RunOutput) throws {
        try run(split: split, staging: output.staging, report: input.report)
    }

    func finish(_ input: RunInput, _ output: RunOutput) throws {
        try finish(staging: output.staging, report: input.report)
    }

    func expand(_ template: String, _ split: String) -> String { layout.expand(template, split: split) }

    /// Checks every input before work starts.
    func check() throws {
        for split in job.splits {
            let rel = expand(settings.closeset, split)
            guard FileManager.default.fileExists(atPath: job.root.appendingPathComponent(rel).path) else {
                throw PrepError.layout("\(job.root.appendingPathComponent(rel).path): missing close-set file for split '\(split)' (expected \(rel))")
            }
        }
        for f in settings.copy ?? [] where !FileManager.default.fileExists(atPath: job.root.appendingPathComponent(f).path) {
            throw PrepError.layout("\(job.root.appendingPathComponent(f).path): missing (expected \(f) in the dataset root)")
        }
    }

    var copies: Bool { job.outputDirectory.standardizedFileURL.path != job.root.standardizedFileURL.path }

    func run(split: String, staging: OutputStaging, report: RunReport) throws {
        let row = "\(split) kie"
        let closeRel = expand(settings.closeset, split)
        let input = job.root.appendingPathComponent(closeRel)
        let outName = expand(settings.openset, split)
        try OpenSetJob.convert(input, to: try staging.url(for: outName), converter: CloseSetToOpenSet(), row: row, report: report)
        var outputs = [outName]
        if copies {
            try copy(closeRel, staging)
            outputs.append(closeRel)
        }
        report.update(split: row) { $0.outputs += outputs }
    }

    /// Copies the extra files once (after the last split).
    func finish(staging: OutputStaging, report: RunReport) throws {
        guard copies else { return }
        for f in settings.copy ?? [] { try copy(f, staging) }
        if let last = job.splits.last, !(settings.copy ?? []).isEmpty {
            report.update(split: "\(last) kie") { $0.outputs += settings.copy ?? [] }
        }
    }

    func copy(_ rel: String, _ staging: OutputStaging) throws {
        let dst = try staging.url(for: rel)
        guard case let .success(bytes) = FileBytes.read(job.root.appendingPathComponent(rel).path),
              FileManager.default.createFile(atPath: dst.path, contents: Data(bytes)) else {
            throw PrepError.io(path: dst.path, reason: "cannot copy \(rel)")
        }
    }
}
