import Foundation
import PrepCore

/// A dataset's recognition task as its recipe (`recog:`) and the command line ask for it:
/// crop settings, the label-file layout, and the per-split run over gathered pairs.
struct RecogTask {
    let settings: CropSettings
    let recog: Recipe.RecogSettings
    let format: LabelFileSink.Format
    let job: DatasetJob

    init(recipe: Recipe, job: DatasetJob) throws {
        guard let recog = recipe.recog else {
            throw PrepError.failed("dataset-zoo/\(recipe.name): the recog task needs a 'recog' section")
        }
        let mode: CropSettings.Mode
        switch recog.crop ?? "box" {
        case "box":
            let pad = recog.pad ?? [0, 0]
            guard pad.count == 2, pad.allSatisfy({ $0 >= 0 && $0 < 1 }) else {
                throw PrepError.failed("dataset-zoo/\(recipe.name): recog.pad must be two ratios in [0, 1)")
            }
            mode = .box(longPad: pad[0], shortPad: pad[1])
        case "warp": mode = .warp
        case "xywh-slice": mode = .xywhSlice
        case "bounds-slice": mode = .boundsSlice
        case let other: throw PrepError.failed("dataset-zoo/\(recipe.name): unknown recog.crop '\(other)' (box, warp, xywh-slice, bounds-slice)")
        }
        guard let format = LabelFileSink.Format(rawValue: job.recogFormat) else {
            throw PrepError.usage("--format \(job.recogFormat) is not available for \(recipe.name) (jsonl, txt)")
        }
        for split in job.splits where recog.labels[split] == nil {
            throw PrepError.failed("dataset-zoo/\(recipe.name): recog.labels has no label file for split '\(split)'")
        }
        settings = CropSettings(mode: mode, exif: job.exif, vertical: job.vertical ?? .ignores,
                                verticalRatio: recog.verticalRatio ?? 2, verticalSplits: recog.verticalSplits.map(Set.init),
                                indexBeforeSkip: recog.indexBeforeSkip ?? true, skipEmptyText: recog.skipEmptyText ?? true)
        self.recog = recog
        self.format = format
        self.job = job
    }

    func sink(staging: OutputStaging) throws -> LabelFileSink {
        let labels = recog.labels
        let layout = LabelFileSink.Layout(
            cropDir: recog.cropDir ?? "crops/{split}", ignoreDir: recog.ignoreDir ?? "ignores/{split}",
            labelFile: { labels[$0] ?? "\($0)_label" },
            ignoreLabelFile: { "ignores/" + (labels[$0] ?? "\($0)_label") },
            labelPath: recog.labelPath ?? "{split}/{crop}", ignoreLabelPath: recog.labelPath ?? "{split}/{crop}")
        return LabelFileSink(staging: staging, layout: layout, format: format, ensureASCII: recog.ensureAscii ?? true,
                             writesIgnores: { [settings] in settings.vertical == .ignores && settings.verticalApplies(on: $0) })
    }

    func run(split: String, pairs: [GatheredPair], sink: RecogSink, report: RunReport, countsExif: Bool,
             load: @escaping (GatheredPair) -> Result<Sample, PrepError>) throws {
        let packer = RecogPacker(engine: CropEngine(settings: settings), workers: job.workers, quiet: job.quiet, countsExif: countsExif)
        let template = recog.cropName ?? "{stem1}"
        // Crop names come from the image name: two images sharing it would overwrite each
        // other's crops (the reference's `stem1` collisions, §9.9), so the later one is skipped.
        var seen: [String: String] = [:]
        var collides = Set<Int>()
        for (i, p) in pairs.enumerated() {
            let prefix = expandTemplate(template, split: split, name: p.imageName)
            if let first = seen[prefix] {
                collides.insert(i)
                report.skip(split: "\(split) recog", file: p.image.path,
                            reason: "its crops would be named \(prefix)_N like those of \(first); image skipped for recog")
            } else { seen[prefix] = p.imageName }
        }
        try packer.run(split: split, row: "\(split) recog", count: pairs.count, load: { i in
            if collides.contains(i) { return nil }
            let pair = pairs[i]
            return load(pair).map { (sample: $0, prefix: expandTemplate(template, split: split, name: pair.imageName)) }
        }, sink: sink, report: report)
    }
}
