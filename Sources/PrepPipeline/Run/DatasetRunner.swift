import Foundation
import PrepCore
import PrepConverters
import PrepFormats

/// Runs a dataset recipe: gather → parse (converter) → pack → write → report, split by split,
/// images in parallel with results written in input order. Outputs are staged and renamed into
/// place only when every split succeeded.
public final class DatasetRunner {
    public let job: DatasetJob

    public init(job: DatasetJob) { self.job = job }

    /// Runs the job. Structural problems throw (nothing is replaced); per-sample problems are
    /// skipped and listed in the returned report. Under `strict`, any skip fails the run.
    public func run(report: RunReport) throws {
        try ShardSupport.check(job)
        if ConverterRegistry.streaming.contains(job.recipe.converter) {
            return try SynthTextRunner(job: job).run(report: report)
        }
        try job.validate()
        let recipe = job.recipe
        report.dataset = recipe.name
        report.options["exif"] = job.exif.rawValue
        report.options["nproc"] = String(job.workers)
        report.options["splits"] = job.splits.joined(separator: ",")
        report.options["tasks"] = job.tasks.joined(separator: ",")
        report.options["to"] = job.target.rawValue
        if let factory = ConverterRegistry.cocoRecord[recipe.converter] {
            let options = ConverterOptions((recipe.options ?? [:]).merging(job.converterOptions) { _, new in new })
            return try COCORecordJob(job: job, converter: try factory(options)).run(report: report)
        }
        // Label-only recognition (crops shipped) reads its own label files, not the det source.
        let labelOnly: LabelOnlyTask? = try job.tasks.contains("recog") && !job.recogFromDet ? recipe.recog.flatMap { r in
            try r.labelSource.map { try LabelOnlyTask(recipe: recipe, recog: r, source: $0, job: job) }
        } : nil
        // `--task kie --to paddle`: PaddleOCR KIE labels; otherwise the open-set conversion.
        let paddleKIE = job.tasks.contains("kie") && job.target == .paddle ? try PaddleKIETask(recipe: recipe, job: job) : nil
        let kie = job.tasks.contains("kie") && paddleKIE == nil ? try KIETask(recipe: recipe, job: job) : nil
        try kie?.check()
        let needsSource = !job.tasks.filter { ($0 != "recog" || labelOnly == nil) && $0 != "kie" }.isEmpty
        // A download still in its archives is extracted into the staged outputs first.
        let download = try archiveToExtract()
        let early = try download.map { _ in try OutputStaging(directory: job.outputDirectory) }
        let root = try download.map { try extract($0, into: early!, report: report) } ?? job.root
        defer { if root != job.root { report.renamePaths(under: root.path, to: job.outputDirectory.path) } }
        let source = needsSource ? try DatasetSource(recipe: recipe, root: root, overrides: job.converterOptions, shard: earlyShard) : nil
        let converter = source?.perImage
        let wantsDet = job.tasks.contains("det")
        let detTemplate = recipe.outputs["det"]
        if (wantsDet || job.tasks.contains("spotting")) && detTemplate == nil {
            throw PrepError.failed("dataset-zoo/\(recipe.name): no det output named in 'outputs'")
        }
        let recog = job.tasks.contains("recog") && labelOnly == nil ? try RecogTask(recipe: recipe, job: job) : nil
        cocoGeometry = try COCOGeometry(recipe.coco, recipe: recipe.name)
        let layout = try cocoLayout(recipe)
        // det, and spotting = det plus each instance's transcription (`text`, before `segmentation`).
        var detOutputs: [(template: String, layout: COCOWriter.Layout)] = []
        if wantsDet, let detTemplate { detOutputs.append((detTemplate, layout)) }
        // Other targets than mmocr0 carry transcriptions in their one det output (MMOCR 1.x
        // writes textdet and textspotting together), so only mmocr0 writes a second file.
        if job.tasks.contains("spotting") && (detOutputs.isEmpty || job.target == .mmocr0) {
            detOutputs.append((recipe.outputs["spotting"] ?? "spotting_" + (detTemplate ?? "instances_{split}.json"), Self.withText(layout)))
        }

        // Every split's layout is checked before any work starts.
        let (gathered, positions) = shardSplits(try source.map { try gatherSplits($0, report: report) }
                                                ?? job.splits.map { ($0, GatheredSplit(pairs: [], total: 0)) })
        // A recog task with its own converter options (NAF) reads the same files its own way;
        // its gathering problems are the det gathering's, already reported.
        let recogSource = try recog != nil ? recipe.recog?.options.map { options in
            try DatasetSource(recipe: recipe, root: job.root, overrides: options.merging(job.converterOptions) { _, cli in cli }, shard: earlyShard)
        } : nil
        let recogSharded = try recogSource.map { shardSplits(try gatherSplits($0, report: RunReport(command: "recog")), tag: "recog ") }
        let recogGathered = recogSharded.map { Dictionary(uniqueKeysWithValues: $0.0) }
        if let labelOnly { for split in job.splits { _ = try labelOnly.input(for: split) } }

        let staging = try early ?? OutputStaging(directory: job.outputDirectory)
        ledger = try job.shard.map { try ShardLedger(shard: $0, staging: staging) }
        for (name, total) in shardTotals { ledger?.enumerated(name, total: total) }
        do {
            let recogSink = try recog?.sink(staging: staging, ledger: ledger)
            var linker: ImageLinker? = nil
            for (split, pairs) in gathered {
                for (index, (detTemplate, layout)) in detOutputs.enumerated() {
                    let (writer, outNames) = try DetOutput.open(target: job.target, template: detTemplate, split: split, layout: layout,
                                                                staging: staging, report: report, linker: &linker,
                                                                placement: job.imagePlacement)
                    let progress = Progress(label: "\(recipe.name) \(split)", total: pairs.count, quiet: job.quiet)
                    let kind = ShardSupport.recordKind(job.target)
                    OrderedParallel.forEach(pairs, workers: job.workers, transform: { self.load($0, converter) }) { i, result in
                        progress.advance()
                        self.ledger?.position = positions[split]?[i] ?? i
                        self.consume(result, split: split, writer: writer, report: report, counts: index == 0,
                                     records: outNames.map { ($0, kind) })
                    }
                    if let e = writeError { throw e }
                    progress.finish()
                    try writer.finish()
                    let dropped = (writer as? RecordDetWriter)?.droppedNames ?? []
                    for name in dropped { try? FileManager.default.removeItem(at: staging.stagingDirectory.appendingPathComponent(name)); ledger?.forget(name) }
                    for name in outNames where !dropped.contains(name) { ledger?.declare(name, kind: kind) }
                    report.update(split: split) { $0.outputs.append(contentsOf: outNames.filter { !dropped.contains($0) }) }
                }
                try labelOnly?.run(split: split, staging: staging, report: report, ledger: ledger)
                try kie?.run(split: split, staging: staging, report: report)
                try paddleKIE?.run(split: split, staging: staging, report: report) { self.load($0, $1) }
                if let recog, let recogSink {
                    let recogConverter = recogSource.map(\.perImage) ?? converter
                    try recog.run(split: split, pairs: recogGathered?[split] ?? pairs, sink: recogSink, report: report,
                                  countsExif: detOutputs.isEmpty, ledger: ledger,
                                  positions: recogSharded.map { $0.1[split] } ?? positions[split]) { self.load($0, recogConverter) }
                }
            }
            try kie?.finish(staging: staging, report: report)
            try paddleKIE?.finish(staging: staging, report: report)
            if job.strict && report.skippedCount > 0 {
                throw PrepError.failed("--strict: \(report.skippedCount) item(s) skipped; no output was written")
            }
            try ledger?.finish(report: report)
            try report.requireWritten()
            try staging.commit()
        } catch {
            staging.discard()
            throw error
        }
    }

    /// The download to read from its archives (KAIST's zips, `recipe.archive`): only when the
    /// extracted layout (the recipe's image folder) is absent. Nil when there is nothing to extract.
    func archiveToExtract() throws -> KAISTArchive? {
        guard let kind = job.recipe.archive else { return nil }
        guard kind == "kaist-zips" else { throw PrepError.failed("dataset-zoo/\(job.recipe.name): unknown archive '\(kind)' (kaist-zips)") }
        let fm = FileManager.default
        let images = job.root.appendingPathComponent(expandTemplate(job.recipe.layout.images, split: job.splits.first ?? ""))
        guard !fm.fileExists(atPath: images.path), let download = KAISTArchive(root: job.root) else { return nil }
        for name in Self.extracted where job.outputDirectory.standardizedFileURL == job.root.standardizedFileURL
            && fm.fileExists(atPath: job.root.appendingPathComponent(name).path) {
            throw PrepError.layout("\(job.root.appendingPathComponent(name).path) exists beside KAIST/ without imgs/: move it away, or give -o OUT for the extracted files")
        }
        return download
    }

    /// What an archive extraction writes into the output folder (the layout `extract_kaist.py` leaves).
    static let extracted = ["imgs", "annotations"]

    /// Extracts `download` into the staged outputs and returns the folder to read the dataset from.
    func extract(_ download: KAISTArchive, into staging: OutputStaging, report: RunReport) throws -> URL {
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

    /// The shard the gatherers filter by as they list (`--shard`), before any per-image work;
    /// nil when the partition must wait for the whole list: `--val-ratio` draws the validation
    /// pages from every page of the split.
    var earlyShard: Shard? {
        job.recipe.valSplit != nil && job.valRatio != nil ? nil : job.shard
    }

    /// The pairs of every requested split. A `val_split` dataset is gathered once as its `from`
    /// split; with `--val-ratio` the chosen pages move to the `to` split.
    func gatherSplits(_ source: DatasetSource, report: RunReport) throws -> [(String, GatheredSplit)] {
        guard let v = job.recipe.valSplit else {
            return try job.splits.map { ($0, try source.gatherShare(split: $0, report: report)) }
        }
        let share = try source.gatherShare(split: v.from, report: report)
        let all = share.pairs
        guard job.valRatio != nil else {
            let bySplit = [v.from: share, v.to: GatheredSplit(pairs: [], total: 0)]
            return job.splits.map { ($0, bySplit[$0] ?? GatheredSplit(pairs: [], total: 0)) }
        }
        var bySplit: [String: [GatheredPair]] = [v.from: all, v.to: []]
        if let ratio = job.valRatio {
            let assigner = try SplitAssigner(ratio: ratio, pattern: v.pattern, seed: job.splitSeed)
            report.options["val_ratio"] = String(ratio)
            if let seed = job.splitSeed { report.options["split_seed"] = String(seed) }
            let mask = assigner.validationMask(count: all.count)
            bySplit[v.from] = zip(all, mask).filter { !$0.1 }.map(\.0)
            bySplit[v.to] = zip(all, mask).filter { $0.1 }.map(\.0)
        }
        return job.splits.map { split in (split, bySplit[split].map { GatheredSplit(pairs: $0, total: $0.count) } ?? GatheredSplit(pairs: [], total: 0)) }
    }

    private var writeError: Error?
    /// `--shard`: the ledger, and the size of every split's unsharded enumeration (`shardSplits`).
    var ledger: ShardLedger?
    var shardTotals: [String: Int] = [:]
    private var cocoGeometry: COCOGeometry?

    /// Probe and parse one pair (runs on worker threads).
    func load(_ pair: GatheredPair, _ converter: (any PerImageConverter)?) -> Result<Sample, PrepError> {
        do {
            let info = try ImageProbe.probe(pair.image)
            let instances: [TextInstance]
            if let parsed = pair.parsed {
                instances = try parsed.loadInstances()
            } else if let converter {
                instances = try converter.parse(annotation: pair.annotation)
            } else {
                throw PrepError.failed("\(pair.annotation.path): no converter for this annotation")
            }
            let image = ImageRef(url: pair.image, name: pair.outputName, width: info.width, height: info.height,
                                 format: info.format, exifOrientation: info.exifOrientation)
            return .success(Sample(image: image, annotationName: pair.outputAnnotationName, instances: instances,
                                   imageObject: pair.parsed?.imageObject))
        } catch let e as PrepError {
            return .failure(e)
        } catch {
            return .failure(.failed("\(pair.image.path): \(error)"))
        }
    }

    /// Writes one sample; only the first det-like output of a split counts images and skips.
    func consume(_ result: Result<Sample, PrepError>, split: String, writer: DetSplitWriter, report: RunReport, counts: Bool = true,
                 records: [(String, ShardOutputKind)] = []) {
        guard writeError == nil else { return }
        switch result {
        case let .success(sample):
            if counts && sample.image.exifOrientation != 1 { report.exifTagged(sample.image.url.path) }
            let size = sample.image.size(under: job.exif)
            let written = cocoGeometry?.apply(sample) ?? sample
            do { try writer.add(written, width: size.width, height: size.height) } catch { writeError = error; return }
            for (name, kind) in records { ledger?.record(name, kind: kind) }
            guard counts else { return }
            report.update(split: split) {
                $0.images += 1
                $0.instances += sample.instances.count
                $0.ignored += sample.instances.filter(\.ignore).count
            }
        case let .failure(error):
            if counts { Self.reportSkip(error, row: split, report: report) }
        }
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

    /// The layout with `text` before `segmentation` (or last), as MMOCR 1.x's spotting files.
    static func withText(_ layout: COCOWriter.Layout) -> COCOWriter.Layout {
        var l = layout
        guard !l.annotationKeys.contains(.text) else { return l }
        if let i = l.annotationKeys.firstIndex(of: .segmentation) { l.annotationKeys.insert(.text, at: i) } else { l.annotationKeys.append(.text) }
        return l
    }

    func cocoLayout(_ recipe: Recipe) throws -> COCOWriter.Layout {
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
