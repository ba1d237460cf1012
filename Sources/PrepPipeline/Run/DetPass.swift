import Foundation
import PrepCore
import PrepConverters
import PrepFormats

/// The det and spotting tasks of a per-image run: one det-like output per split (`DetOutput`
/// opens it for the `--to` target), written from the source's pairs, probed and parsed in
/// parallel and written in input order. Spotting is det plus each instance's transcription
/// (`text`, before `segmentation`): its own file for MMOCR 0.x, part of the one det output for
/// the other targets (MMOCR 1.x writes textdet and textspotting together).
final class DetPass: TaskPass {
    let template: String
    let layout: COCOWriter.Layout
    /// Only the first det-like output of a split counts its images, instances and skips.
    let counts: Bool
    let geometry: COCOGeometry?
    private var linker: ImageLinker? = nil
    private var writeError: Error?

    var readsSource: Bool { true }

    init(template: String, layout: COCOWriter.Layout, counts: Bool, geometry: COCOGeometry?) {
        self.template = template
        self.layout = layout
        self.counts = counts
        self.geometry = geometry
    }

    /// `--task det`: the recipe's det output.
    static func det(_ job: DatasetJob) throws -> DetPass? {
        guard job.tasks.contains("det") else { return nil }
        let recipe = job.recipe
        return DetPass(template: try detTemplate(recipe), layout: try cocoLayout(recipe), counts: true,
                       geometry: try COCOGeometry(recipe.coco, recipe: recipe.name))
    }

    /// `--task spotting`: a second file for MMOCR 0.x (`outputs.spotting`, else `spotting_` +
    /// the det name); with another target, the det output itself when det is not asked for.
    static func spotting(_ job: DatasetJob) throws -> DetPass? {
        let wantsDet = job.tasks.contains("det")
        guard job.tasks.contains("spotting"), !wantsDet || job.target == .mmocr0 else { return nil }
        let recipe = job.recipe
        let detTemplate = try detTemplate(recipe)
        return DetPass(template: recipe.outputs["spotting"] ?? "spotting_" + detTemplate, layout: withText(try cocoLayout(recipe)),
                       counts: !wantsDet, geometry: try COCOGeometry(recipe.coco, recipe: recipe.name))
    }

    static func detTemplate(_ recipe: Recipe) throws -> String {
        guard let t = recipe.outputs["det"] else { throw PrepError.failed("dataset-zoo/\(recipe.name): no det output named in 'outputs'") }
        return t
    }

    func run(split: String, _ input: RunInput, _ output: RunOutput) throws {
        let job = input.job, report = input.report
        let (writer, outNames) = try DetOutput.open(target: job.target, template: template, split: split, layout: layout,
                                                    staging: output.staging, report: report, linker: &linker,
                                                    placement: job.imagePlacement)
        let pairs = input.pairs(split)
        let positions = input.gathered.positions[split]
        let converter = input.source?.perImage
        let progress = Progress(label: "\(job.recipe.name) \(split)", total: pairs.count, quiet: job.quiet)
        let kind = ShardSupport.recordKind(job.target)
        let records = outNames.map { ($0, kind) }
        try DetOutput.keepRecordLengths(writer, outNames, kind: kind, ledger: output.ledger)
        // Images and annotations are opened relative to their folders' descriptors (FolderHandles).
        FolderHandles.within { OrderedParallel.forEach(pairs, workers: job.workers, transform: { SampleLoader.load($0, converter) }) { i, result in
            progress.advance()
            output.ledger?.position = positions?[i] ?? i
            self.consume(result, split: split, writer: writer, input: input, ledger: output.ledger, records: records)
        } }
        if let e = writeError { throw e }
        progress.finish()
        try writer.finish()
        let dropped = (writer as? RecordDetWriter)?.droppedNames ?? []
        for name in dropped {
            try? FileManager.default.removeItem(at: output.staging.stagingDirectory.appendingPathComponent(name))
            output.ledger?.forget(name)
        }
        for name in outNames where !dropped.contains(name) { output.ledger?.declare(name, kind: kind) }
        report.update(split: split) { $0.outputs.append(contentsOf: outNames.filter { !dropped.contains($0) }) }
    }

    /// Writes one sample (counting it when this pass `counts`), or reports why it was left out.
    func consume(_ result: Result<Sample, PrepError>, split: String, writer: DetSplitWriter, input: RunInput,
                 ledger: ShardLedger?, records: [(String, ShardOutputKind)]) {
        guard writeError == nil else { return }
        let report = input.report
        switch result {
        case let .success(sample):
            if counts && sample.image.exifOrientation != 1 { report.exifTagged(sample.image.path) }
            let size = sample.image.size(under: input.job.exif)
            let written = geometry?.apply(sample) ?? sample
            do { try writer.add(written, width: size.width, height: size.height) } catch { writeError = error; return }
            for (name, kind) in records { ledger?.record(name, kind: kind) }
            guard counts else { return }
            report.update(split: split) {
                $0.images += 1
                $0.instances += sample.instances.count
                $0.ignored += sample.instances.filter(\.ignore).count
            }
        case let .failure(error):
            if counts { DatasetRunner.reportSkip(error, row: split, report: report) }
        }
    }

    /// The layout with `text` before `segmentation` (or last), as MMOCR 1.x's spotting files.
    static func withText(_ layout: COCOWriter.Layout) -> COCOWriter.Layout {
        var l = layout
        guard !l.annotationKeys.contains(.text) else { return l }
        if let i = l.annotationKeys.firstIndex(of: .segmentation) { l.annotationKeys.insert(.text, at: i) } else { l.annotationKeys.append(.text) }
        return l
    }

    /// The recipe's COCO layout: its annotation keys (`coco.annotation_keys`) and segm file.
    static func cocoLayout(_ recipe: Recipe) throws -> COCOWriter.Layout {
        var layout = COCOWriter.Layout()
        layout.segmFile = recipe.layout.segmFile != nil
        if let keys = recipe.coco?.annotationKeys {
            layout.annotationKeys = try keys.map { k in
                guard let key = COCOWriter.AnnotationKey(rawValue: k) else {
                    throw PrepError.failed("dataset-zoo/\(recipe.name): unknown COCO annotation key '\(k)'")
                }
                return key
            }
        }
        return layout
    }
}
