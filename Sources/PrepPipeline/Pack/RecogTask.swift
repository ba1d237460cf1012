import Foundation
import PrepCore
import PrepFormats

/// A dataset's recognition task as its recipe (`recog:`) and the command line ask for it:
/// crop settings, the label-file layout, and the per-split run over gathered pairs — the crops
/// cut from the det ground truth (`TaskPass`; shipped crops are `LabelOnlyTask`'s). A recipe
/// whose recog reads the files its own way (`recog.options`, NAF) gathers its own pairs.
final class RecogTask: TaskPass {
    let settings: CropSettings
    let recog: Recipe.RecogSettings
    /// Label files (nil: an LMDB per split).
    let format: LabelFileSink.Format?
    let job: DatasetJob
    /// Whether this task reports EXIF-tagged images (no det output does it).
    var countsExif = true
    /// The recipe's own recog source and its pairs (`recog.options`); nil: the det source's.
    private var ownSource: DatasetSource?
    private var ownGathered: GatheredSplits?
    private var sink: RecogSink?

    var readsSource: Bool { true }

    /// `--task recog` when the crops are cut from the det ground truth: the dataset ships no
    /// crops of its own (`recog.label_source`), or `--from-det` asks for cut ones.
    static func plan(_ job: DatasetJob) throws -> RecogTask? {
        guard job.tasks.contains("recog"), job.recogFromDet || job.recipe.recog?.labelSource == nil else { return nil }
        let task = try RecogTask(recipe: job.recipe, job: job)
        task.countsExif = !job.tasks.contains("det") && !job.tasks.contains("spotting")
        return task
    }

    init(recipe: Recipe, job: DatasetJob) throws {
        guard let recog = recipe.recog else {
            throw PrepError.failed("dataset-zoo/\(recipe.name): the recog task needs a 'recog' section")
        }
        let mode: CropSettings.Mode
        switch job.cropWarp ? "warp" : recog.crop ?? "box" {
        case "box":
            let pad = recog.pad ?? [0, 0]
            guard pad.count == 2, pad.allSatisfy({ $0 >= 0 && $0 < 1 }) else {
                throw PrepError.failed("dataset-zoo/\(recipe.name): recog.pad must be two ratios in [0, 1)")
            }
            mode = .box(longPad: pad[0], shortPad: pad[1])
        case "warp": mode = .warp
        case "xywh-slice": mode = .xywhSlice
        case "bounds-slice": mode = .boundsSlice
        case "xywh-padded": mode = .xywhPadded
        case let other: throw PrepError.failed("dataset-zoo/\(recipe.name): unknown recog.crop '\(other)' (box, warp, xywh-slice, bounds-slice, xywh-padded)")
        }
        let format: LabelFileSink.Format?
        switch (job.target, job.recogFormat) {
        case (_, "lmdb"): format = nil
        case (.mmocr1, _): format = .mmocr1
        case (.paddle, _): format = .paddle
        case (.doctr, _): format = .doctr
        case (.hf, _): format = .hf
        case (.easyocr, _): format = .easyocr
        case (.tesstrain, _): format = .tesstrain
        default:
            guard let f = LabelFileSink.Format(rawValue: job.recogFormat), f == .jsonl || f == .txt else {
                throw PrepError.usage("--format \(job.recogFormat) is not available for \(recipe.name) (jsonl, txt, lmdb)")
            }
            format = f
        }
        for split in job.splits where recog.labels[split] == nil {
            throw PrepError.failed("dataset-zoo/\(recipe.name): recog.labels has no label file for split '\(split)'")
        }
        var vertical = CropSettings.VerticalRule.ignores
        if let v = recog.vertical {
            guard let rule = CropSettings.VerticalRule(rawValue: v) else {
                throw PrepError.failed("dataset-zoo/\(recipe.name): unknown recog.vertical '\(v)'")
            }
            vertical = rule
        }
        // tesstrain trains on PNG (or TIFF) line images only.
        let imageExtension = job.target == .tesstrain ? "png" : recog.imageExtension ?? "png"
        guard ["png", "jpg"].contains(imageExtension) else {
            throw PrepError.failed("dataset-zoo/\(recipe.name): recog.image_extension must be png or jpg")
        }
        var settings = CropSettings(mode: mode, exif: job.exif, vertical: job.vertical ?? vertical,
                                verticalRatio: recog.verticalRatio ?? 2, verticalSplits: recog.verticalSplits.map(Set.init),
                                indexBeforeSkip: recog.indexBeforeSkip ?? true, skipEmptyText: recog.skipEmptyText ?? true,
                                imageExtension: imageExtension)
        settings.resize = job.cropResize
        settings.firstIndex = recog.firstIndex ?? 1
        settings.indexIgnored = recog.indexIgnored ?? false
        switch recog.jpegTables {
        case nil, "quality95": break
        case "source": settings.keepSourceTables = true
        case let other?: throw PrepError.failed("dataset-zoo/\(recipe.name): recog.jpeg_tables must be source or quality95, not '\(other)'")
        }
        self.settings = settings
        self.recog = recog
        self.format = format
        self.job = job
    }

    /// The sink for the job's target: MMOCR 0.x label files as the recipe names them, MMOCR 1.x
    /// `textrecog_<split>.json` with crops in `textrecog_imgs/<split>/`, PaddleOCR
    /// `rec_gt_<split>.txt` with crops in `rec_imgs/<split>/` (paths relative to the output
    /// folder, PaddleOCR's `data_dir`), or an LMDB per split.
    func sink(staging: OutputStaging, ledger: ShardLedger? = nil) throws -> RecogSink {
        let labels = recog.labels
        let writesIgnores: @Sendable (String) -> Bool = { [settings] in settings.vertical == .ignores && settings.verticalApplies(on: $0) }
        let labelFile: @Sendable (String) -> String
        switch job.target {
        case .mmocr1: labelFile = { "textrecog_" + MMOCR1Config.splitName($0) }
        case .paddle: labelFile = { "rec_gt_\($0)" }
        case .doctr: labelFile = { "doctr_rec/" + MMOCR1Config.splitName($0) + "/labels" }
        case .hf: labelFile = { "hf_rec/" + MMOCR1Config.splitName($0) + "/metadata" }
        case .easyocr: labelFile = { "easyocr/" + MMOCR1Config.splitName($0) + "/labels" }
        case .tesstrain: labelFile = { "tesstrain/" + MMOCR1Config.splitName($0) }
        default: labelFile = { labels[$0] ?? "\($0)_label" }
        }
        guard let format else {
            return LMDBSink(ledger: ledger, staging: staging, database: { labelFile($0) + ".lmdb" }, ignoreDatabase: { "ignores/" + labelFile($0) + ".lmdb" },
                            writesIgnores: writesIgnores)
        }
        var layout: LabelFileSink.Layout
        switch format {
        case .mmocr1, .paddle:
            let dir = format == .mmocr1 ? "textrecog_imgs" : "rec_imgs"
            // MMOCR 1.x crop folders carry its split names (`textrecog_imgs/train/`).
            let s = format == .mmocr1 ? "{split1x}" : "{split}"
            layout = LabelFileSink.Layout(cropDir: dir + "/" + s, ignoreDir: "ignores/" + dir + "/" + s, labelFile: labelFile,
                                          ignoreLabelFile: { "ignores/" + labelFile($0) },
                                          labelPath: dir + "/\(s)/{crop}", ignoreLabelPath: "ignores/" + dir + "/\(s)/{crop}")
        case .doctr, .hf, .easyocr, .tesstrain:
            // Self-contained folders: the label file with the crops in images/ beside it, named
            // relative to the label file's folder (docTR: to images/, its img_folder); tesstrain
            // puts <crop>.gt.txt beside each crop; EasyOCR's trainer reads a folder without
            // sub-folders (labels.csv and the crops in it).
            let dir = (format == .doctr ? "doctr_rec" : format == .hf ? "hf_rec" : format.rawValue) + "/{split1x}"
            let flat = format == .tesstrain || format == .easyocr
            let crops = flat ? dir : dir + "/images"
            let path = format == .doctr || flat ? "{crop}" : "images/{crop}"
            layout = LabelFileSink.Layout(cropDir: crops, ignoreDir: "ignores/" + crops, labelFile: labelFile,
                                          ignoreLabelFile: { "ignores/" + labelFile($0) },
                                          labelPath: path, ignoreLabelPath: path)
        case .jsonl, .txt:
            layout = LabelFileSink.Layout(
                cropDir: recog.cropDir ?? "crops/{split}", ignoreDir: recog.ignoreDir ?? "ignores/{split}",
                labelFile: labelFile, ignoreLabelFile: { "ignores/" + labelFile($0) },
                labelPath: recog.labelPath ?? "{split}/{crop}", ignoreLabelPath: recog.labelPath ?? "{split}/{crop}")
            layout.cropDirs = recog.cropDirs ?? [:]
            layout.lexicon = recog.lexicon ?? false
            layout.sets = job.recipe.layout.sets ?? [:]
        }
        layout.numberedName = recog.numberedName
        let sink = LabelFileSink(staging: staging, layout: layout, format: format, ensureASCII: recog.ensureAscii ?? true,
                                 writesIgnores: writesIgnores)
        sink.ledger = ledger
        return sink
    }

    /// A recog source of its own reads the same files its own way; its gathering problems are
    /// the det gathering's, already reported.
    func prepare(_ input: RunInput) throws {
        ownSource = try recog.options.map { options in
            try DatasetSource(recipe: job.recipe, root: job.root, overrides: options.merging(job.converterOptions) { _, cli in cli },
                              shard: input.gathering.earlyShard)
        }
        ownGathered = try ownSource.map { try input.gathering.gather($0, report: RunReport(command: "recog"), tag: "recog ") }
    }

    func open(_ input: RunInput, _ output: RunOutput) throws {
        for (name, total) in ownGathered?.totals ?? [:] { output.ledger?.enumerated(name, total: total) }
        sink = try sink(staging: output.staging, ledger: output.ledger)
    }

    func run(split: String, _ input: RunInput, _ output: RunOutput) throws {
        guard let sink else { return }
        let converter = ownSource.map(\.perImage) ?? input.source?.perImage
        try run(split: split, pairs: ownGathered?.pairs[split] ?? input.pairs(split), sink: sink, report: input.report,
                ledger: output.ledger, positions: ownGathered.map { $0.positions[split] } ?? input.gathered.positions[split]) {
            SampleLoader.load($0, converter)
        }
    }

    func run(split: String, pairs: [GatheredPair], sink: RecogSink, report: RunReport,
             ledger: ShardLedger? = nil, positions: [Int]? = nil,
             load: @escaping (GatheredPair) -> Result<Sample, PrepError>) throws {
        var packer = RecogPacker(engine: CropEngine(settings: settings), workers: job.workers, quiet: job.quiet, countsExif: countsExif)
        packer.ledger = ledger
        packer.positions = positions
        let template = recog.cropName ?? "{stem1}"
        // `{image_index}`: the image's position in its annotation file (OpenVINO's `img_<i>`),
        // else in the split.
        let prefixes = pairs.enumerated().map { i, pair in
            expandTemplate(template.replacingOccurrences(of: "{image_index}", with: String(pair.parsed?.position ?? i)),
                           split: split, name: pair.imageName)
        }
        // Running-number names (SVT) cannot clash.
        let clashes = recog.numberedName != nil ? [:] : RecogPacker.prefixClashes(prefixes)
        for (i, f) in clashes.sorted(by: { $0.key < $1.key }) {
            report.skip(split: "\(split) recog", file: pairs[i].image.path,
                        reason: "its crops would be named \(prefixes[i])_N like those of \(pairs[f].imageName); image skipped for recog")
        }
        try packer.run(split: split, row: "\(split) recog", count: pairs.count, load: { i in
            if i == 0 { for j in 0..<min(ReadAhead.distance, pairs.count) { ReadAhead.advise(pairs[j].imagePath) } }
            if i + ReadAhead.distance < pairs.count { ReadAhead.advise(pairs[i + ReadAhead.distance].imagePath) }
            if clashes[i] != nil { return nil }
            return load(pairs[i]).map { (sample: $0, prefix: prefixes[i]) }
        }, sink: sink, report: report)
    }
}
