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
        try job.validate()
        let recipe = job.recipe
        report.dataset = recipe.name
        report.options["exif"] = job.exif.rawValue
        report.options["nproc"] = String(job.workers)
        report.options["splits"] = job.splits.joined(separator: ",")
        report.options["tasks"] = job.tasks.joined(separator: ",")
        report.options["to"] = job.target.rawValue
        guard let factory = ConverterRegistry.perImage[recipe.converter] else {
            throw PrepError.failed("dataset-zoo/\(recipe.name): unknown converter '\(recipe.converter)' (known: \(ConverterRegistry.names.joined(separator: ", ")))")
        }
        let converter = try factory(ConverterOptions(recipe.options ?? [:]))
        let wantsDet = job.tasks.contains("det")
        let detTemplate = recipe.outputs["det"]
        if wantsDet && detTemplate == nil {
            throw PrepError.failed("dataset-zoo/\(recipe.name): no det output named in 'outputs'")
        }
        let recog = job.tasks.contains("recog") ? try RecogTask(recipe: recipe, job: job) : nil
        cocoGeometry = try COCOGeometry(recipe.coco, recipe: recipe.name)
        let layout = try cocoLayout(recipe)
        let gatherer = PairGatherer(root: job.root, layout: recipe.layout)

        // Every split's layout is checked before any work starts.
        var gathered: [(String, [GatheredPair])] = []
        for split in job.splits { gathered.append((split, try gatherer.gather(split: split, report: report))) }

        let staging = try OutputStaging(directory: job.outputDirectory)
        do {
            let recogSink = try recog?.sink(staging: staging)
            var linker: ImageLinker? = nil
            for (split, pairs) in gathered {
                if wantsDet, let detTemplate {
                    let (writer, outNames) = try DetOutput.open(target: job.target, template: detTemplate, split: split, layout: layout,
                                                                staging: staging, report: report, linker: &linker)
                    let progress = Progress(label: "\(recipe.name) \(split)", total: pairs.count, quiet: job.quiet)
                    OrderedParallel.forEach(pairs, workers: job.workers, transform: { self.load($0, converter) }) { _, result in
                        progress.advance()
                        self.consume(result, split: split, writer: writer, report: report)
                    }
                    if let e = writeError { throw e }
                    progress.finish()
                    try writer.finish()
                    let dropped = (writer as? RecordDetWriter)?.droppedNames ?? []
                    for name in dropped { try? FileManager.default.removeItem(at: staging.stagingDirectory.appendingPathComponent(name)) }
                    report.update(split: split) { $0.outputs.append(contentsOf: outNames.filter { !dropped.contains($0) }) }
                }
                if let recog, let recogSink {
                    try recog.run(split: split, pairs: pairs, sink: recogSink, report: report, countsExif: !wantsDet) { self.load($0, converter) }
                }
            }
            if job.strict && report.skippedCount > 0 {
                throw PrepError.failed("--strict: \(report.skippedCount) item(s) skipped; no output was written")
            }
            try staging.commit()
        } catch {
            staging.discard()
            throw error
        }
    }

    private var writeError: Error?
    private var cocoGeometry: COCOGeometry?

    /// Probe and parse one pair (runs on worker threads).
    func load(_ pair: GatheredPair, _ converter: any PerImageConverter) -> Result<Sample, PrepError> {
        do {
            let info = try ImageProbe.probe(pair.image)
            let instances = try converter.parse(annotation: pair.annotation)
            let image = ImageRef(url: pair.image, name: pair.outputName, width: info.width, height: info.height,
                                 format: info.format, exifOrientation: info.exifOrientation)
            return .success(Sample(image: image, annotationName: pair.outputAnnotationName, instances: instances))
        } catch let e as PrepError {
            return .failure(e)
        } catch {
            return .failure(.failed("\(pair.image.path): \(error)"))
        }
    }

    func consume(_ result: Result<Sample, PrepError>, split: String, writer: DetSplitWriter, report: RunReport) {
        guard writeError == nil else { return }
        switch result {
        case let .success(sample):
            if sample.image.exifOrientation != 1 { report.exifTagged(sample.image.url.path) }
            let size = sample.image.size(under: job.exif)
            let written = cocoGeometry?.apply(sample) ?? sample
            do { try writer.add(written, width: size.width, height: size.height) } catch { writeError = error; return }
            report.update(split: split) {
                $0.images += 1
                $0.instances += sample.instances.count
                $0.ignored += sample.instances.filter(\.ignore).count
            }
        case let .failure(error):
            Self.reportSkip(error, row: split, report: report)
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
