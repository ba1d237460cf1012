import Foundation
import ArgumentParser
import PrepCore
import PrepFormats
import PrepPipeline

/// `prep NAME ROOT …`: prepares one dataset of the zoo. Reached through the dataset's name.
struct DatasetCommand: ParsableCommand {
    nonisolated(unsafe) static var invokedName: String?

    static var configuration: CommandConfiguration {
        let name = invokedName ?? "dataset"
        // Parsed alone (`parseAlone`), nothing shows help: the name is all that is read.
        if parsingAlone { return CommandConfiguration(commandName: name, _superCommandName: "prep", shouldDisplay: false) }
        let recipe = invokedName.flatMap { try? Zoo.recipe(named: $0) }
        return CommandConfiguration(
            commandName: name,
            abstract: recipe.map { "Prepare \($0.title)." } ?? "Prepare a dataset of the zoo (use its name: prep NAME ROOT).",
            discussion: recipe.map(DatasetCommand.discussion) ?? "",
            shouldDisplay: false)
    }

    static func discussion(_ r: Recipe) -> String {
        """
        Splits: \(r.splits.joined(separator: ", ")) (default: \((r.defaultSplits ?? r.splits).joined(separator: " "))). Tasks: \(r.tasks.joined(separator: ", ")).
        Writes \(r.outputs.values.sorted().joined(separator: ", ")) into OUT (default: ROOT).

        Expected layout:
        \(r.tree ?? "")
        Examples:
          prep \(r.name) /data/\(r.name) --split-list \((r.defaultSplits ?? r.splits).joined(separator: " "))
          prep \(r.name) /data/\(r.name) --obtain          (obtain first)
          prep \(r.name) /data/\(r.name) -o /tmp/out --nproc 4 --report report.json
          prep \(r.name) /data/\(r.name) --to mmocr1 --emit-config configs -o /tmp/mmocr1
          prep \(r.name) /data/\(r.name) --to paddle -o /tmp/paddle\(r.tasks.contains("recog") ? """

          prep \(r.name) /data/\(r.name) \(r.tasks.contains("det") ? "--task det recog " : "")--format txt
        """ : "")\(r.cutsCropsWithVerticalRule ? """

          prep \(r.name) /data/\(r.name) --task recog --vertical rotate --exif apply
        """ : "")\(r.valSplit != nil ? """

          prep \(r.name) /data/\(r.name) --val-ratio 0.2          (\(r.valSplit!.pattern == .A ? "every 5th page" : "the first fifth of the pages") to \(r.valSplit!.to))
          prep \(r.name) /data/\(r.name) --val-ratio 0.1 --split-seed 7
        """ : "")\(r.tasks.contains("spotting") ? """

          prep \(r.name) /data/\(r.name) --task spotting          (det + each instance's text)
        """ : "")\(r.converter == "synthtext-mat" ? """

          prep \(r.name) /data/\(r.name) --coco-json   (instances_training.json, not synthtext.lmdb)
        """ : "")
        """
    }

    // Every option here (and in the option groups) is also in `DatasetArgv`, with its default:
    // `DatasetArgvTests` fails until it is.
    @Option(name: .long, help: .hidden)
    var dataset: String

    @Argument(help: "The dataset's root folder (raw layout: prep zoo NAME).")
    var root: String

    @Option(name: [.customLong("split-list"), .customLong("splits")], parsing: .upToNextOption,
            help: "Splits to prepare (default: the dataset's usual ones).")
    var splitList: [String] = []

    @Option(name: [.customLong("task"), .customLong("tasks")], parsing: .upToNextOption,
            help: "Tasks: det, recog (word crops + labels) where the dataset has them; --task det recog does both (default: det).")
    var tasks: [String] = []

    @Option(name: [.short, .customLong("out-dir")], help: "Output folder (default: ROOT).")
    var outDir: String?

    @Option(name: .long, help: "EXIF orientation policy: ignore (coordinates on stored pixels, the default) or apply.")
    var exif: ExifPolicy = .ignore

    @Flag(name: [.customLong("preserve-vertical"), .customLong("preserve_vertical")],
          help: "recog: keep vertical crops (height/width > 2) with the others, as the reference's --preserve-vertical.")
    var preserveVertical = false

    @Option(name: .long, help: ArgumentHelp("recog: what happens to vertical crops: ignores (default; written to ignores/<split>/ with their own label file), keep, rotate (90° counter-clockwise, as PaddleOCR), drop.", valueName: "rule"))
    var vertical: CropSettings.VerticalRule?

    @Flag(name: .long, help: "recog: cut each crop as a perspective warp of its quadrilateral (curved polygons: their minimum-area rectangle) instead of the dataset's usual crop.")
    var warp = false

    @Flag(name: .long, help: "recog: resize every crop to --width x --height (bilinear, as cv2.resize; the reference's svt_converter.py --resize).")
    var resize = false

    @Option(name: .long, help: ArgumentHelp("With --resize: crop width (default 100).", valueName: "W"))
    var width: Int?

    @Option(name: .long, help: ArgumentHelp("With --resize: crop height (default 32).", valueName: "H"))
    var height: Int?

    @Option(name: [.customLong("val-ratio"), .customLong("val_ratio")],
            help: ArgumentHelp("Datasets shipped as one set: move this share (0 < R < 1) of the pages to the val split (the reference's selection where 1/R is whole, else evenly spread).", valueName: "R"))
    var valRatio: Double?

    @Option(name: .customLong("split-seed"), help: ArgumentHelp("With --val-ratio: draw the val pages at random with this seed instead.", valueName: "S"))
    var splitSeed: UInt64?

    @Option(name: .long, help: ArgumentHelp("HierText: annotation level: word (default), line or paragraph.", valueName: "level"))
    var level: String?

    @Option(name: [.short, .customLong("num-sample"), .customLong("num_sample")],
            help: ArgumentHelp("CurvedSynText150k: points sampled on each Bézier curve (default 4; polygons get twice as many).", valueName: "N"))
    var numSample: Int?

    @Option(name: .long, help: ArgumentHelp("recog: label file format: jsonl (the default, unless the dataset's reference writes txt: svt, openvino) or txt, or lmdb (crops in an LMDB per split).", valueName: "format"))
    var format: String?

    @Option(name: .long, help: ArgumentHelp("Output format: mmocr0 (default; the reference's files), mmocr1 (textdet/textspotting/textrecog_<split>.json), paddle (det_gt/rec_gt_<split>.txt), coco (standard COCO coco_<split>.json), line-json, doctr (doctr/<split>/labels.json + images/, doctr_rec/), hf (imagefolder hf_det|hf_rec/<split>/metadata.jsonl), easyocr and tesstrain (recog: easyocr/<split>/labels.csv and tesstrain/<split>/<crop>.gt.txt, each beside the crops).", valueName: "format"))
    var to: AnnotationTarget = .mmocr0

    @Flag(name: .customLong("coco-json"), help: "SynthText det: write COCO-style instances_training.json (as the other datasets) instead of the reference's synthtext.lmdb.")
    var cocoJSON = false

    @Flag(name: .long, help: "--to mmocr1: recognition crops in textrecog_<split>.lmdb (MMOCR 1.x's TextRecogLMDBDumper layout) instead of textrecog_imgs/.")
    var lmdb = false

    @Flag(name: .customLong("from-det"), help: "recog: cut word crops from the detection ground truth, also where the dataset ships its own crops (prep zoo: 'recog from').")
    var fromDet = false

    @Option(name: .customLong("images"), help: ArgumentHelp("--to mmocr1|paddle|doctr|hf: how the outputs reach the raw images: link (default; a relative symlink such as textdet_imgs/<split> or images/<split> to the raw folder, so moving the output alone breaks it), copy (self-contained), none (mmocr1, paddle: paths relative to the dataset's image folder). easyocr and tesstrain always copy shipped crops beside their labels.", valueName: "mode"))
    var images: ImagePlacement = .link

    @Option(name: .customLong("emit-config"), help: ArgumentHelp("--to mmocr1: write MMOCR 1.x base dataset configs (<DIR>/<task>/_base_/datasets/<name>.py) pointing at the outputs.", valueName: "DIR"))
    var emitConfig: String?

    @Flag(name: .long, help: "First download (or take from --from) the dataset's files and lay them out under ROOT, as prep obtain does.")
    var obtain = false

    @OptionGroup var obtainOptions: ObtainOptions

    @OptionGroup var common: RunOptions
    @OptionGroup var sharding: ShardOptions

    func run() throws {
        guard let recipe = try Zoo.recipe(named: dataset) else { throw PrepError.usage("unknown dataset '\(dataset)'") }
        try obtainFirst(recipe)
        let root = URL(fileURLWithPath: self.root).standardizedFileURL
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir), isDir.boolValue else {
            throw PrepError.layout("\(root.path): no such folder (the dataset root)")
        }
        var job = DatasetJob(recipe: recipe, root: root,
                             outputDirectory: outDir.map { URL(fileURLWithPath: $0).standardizedFileURL },
                             splits: splitList.isEmpty ? (valRatio == nil ? nil : recipe.valSplit.map { [$0.from, $0.to] }) : splitList,
                             tasks: tasks.isEmpty ? nil : tasks,
                             workers: common.nproc, exif: exif, strict: common.strict, quiet: common.quiet)
        if preserveVertical, let v = vertical, v != .keep {
            throw PrepError.usage("--preserve-vertical and --vertical \(v.rawValue) contradict each other")
        }
        job.vertical = preserveVertical ? .keep : vertical
        if warp && !job.tasks.contains("recog") { throw PrepError.usage("--warp shapes recognition crops: add --task recog") }
        job.cropWarp = warp
        if (width != nil || height != nil) && !resize { throw PrepError.usage("--width and --height go with --resize") }
        if resize {
            if !job.tasks.contains("recog") { throw PrepError.usage("--resize shapes recognition crops: add --task recog") }
            let size = (width: width ?? 100, height: height ?? 32)
            guard size.width > 0, size.height > 0, size.width <= 65536, size.height <= 65536 else {
                throw PrepError.usage("--width and --height must be positive")
            }
            job.cropResize = size
        }
        job.recogFormat = lmdb ? "lmdb" : format ?? recipe.recog?.defaultFormat ?? "jsonl"
        job.target = to
        if lmdb && to != .mmocr1 { throw PrepError.usage("--lmdb goes with --to mmocr1 (else use --format lmdb)") }
        if lmdb && !job.tasks.contains("recog") { throw PrepError.usage("--lmdb holds recognition crops: add --task recog") }
        if emitConfig != nil && to != .mmocr1 { throw PrepError.usage("--emit-config goes with --to mmocr1") }
        if let level {
            guard recipe.converter == "hiertext" else { throw PrepError.usage("--level applies to hiertext only") }
            job.converterOptions["level"] = level
        }
        if let numSample {
            guard recipe.converter == "curvedsyntext" else { throw PrepError.usage("--num-sample applies to curvedsyntext150k only") }
            job.converterOptions["num_sample"] = String(numSample)
        }
        job.valRatio = valRatio
        job.splitSeed = splitSeed
        if cocoJSON && recipe.converter != "synthtext-mat" { throw PrepError.usage("--coco-json applies to synthtext only (other datasets write COCO by default)") }
        if cocoJSON && to != .mmocr0 { throw PrepError.usage("--coco-json and --to \(to.rawValue) contradict each other") }
        job.detAsCOCO = cocoJSON
        job.recogFromDet = fromDet
        job.imagePlacement = images
        job.shard = try sharding.resolve()
        OutputGuard.shared.addInputs(recipe.inputFolders(root: root))
        let report = RunReport(command: dataset)
        if job.shard != nil { report.options["arguments"] = ShardOptions.fingerprint() }
        try common.perform(report, root: root.path) {
            try DatasetRunner(job: job).run(report: report)
            if let dir = emitConfig {
                let (written, kept) = try MMOCR1Config.write(name: recipe.name, dataRoot: job.outputDirectory, splits: job.splits,
                                                             outputs: report.splits.flatMap(\.outputs),
                                                             to: URL(fileURLWithPath: dir).standardizedFileURL)
                for p in written { report.notes.append("config: \(p)") }
                for p in kept { report.warn(split: nil, file: p, reason: "exists; kept (remove it to regenerate)") }
            }
        }
    }
}

extension ExifPolicy: ExpressibleByArgument {}
extension ImagePlacement: ExpressibleByArgument {}
extension CropSettings.VerticalRule: ExpressibleByArgument {}
