import Foundation
import ArgumentParser
import PrepCore
import PrepFormats
import PrepPipeline

/// `prep crops ANNOTATION`: detection annotations → recognition crops and labels.
struct CropsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crops",
        abstract: "Cut word crops from a detection annotation (COCO 0.x, MMOCR 1.x, PaddleOCR, COCO, line-JSON) into recognition data: crops + labels.",
        discussion: """
        Writes OUT/crops/<image dir>/<image stem>_<n>.png and OUT/label.jsonl (or .txt), label paths relative to OUT. Ignored instances (iscrowd, ###) are skipped and counted. Vertical crops (height/width > 2) go to OUT/ignores/ with OUT/ignores_label.* unless --vertical says otherwise. Crops are cut as MMOCR's crop_img (padding ratios --pad) or warp_img (--warp; polygons with more than 4 points are warped from their minimum-area rectangle).

        Examples:
          prep icdar2015 data/icdar2015 --split-list test
          prep crops data/icdar2015/instances_test.json --images data/icdar2015/imgs --text-from icdar2015 -o rec/test
          prep crops instances.json --images imgs -o out --pad 0.4,0.2 --vertical rotate --format txt
          prep crops instances.json --images imgs -o out --warp --exif apply --nproc 4
          prep crops instances.json --images imgs -o out --format lmdb
          prep crops instances.json --images imgs -o out --to paddle
        """)

    @Argument(help: "A detection annotation: COCO 0.x JSON (instances_<split>.json) or any detection format prep convert reads (detected).")
    var annotation: String

    @Option(name: .long, help: ArgumentHelp("Folder the annotation's file_name entries are relative to (default: imgs/ beside the annotation).", valueName: "DIR"))
    var images: String?

    @Option(name: [.short, .customLong("out-dir")], help: "Output folder.")
    var out: String

    @Option(name: .long, help: ArgumentHelp("crop_img padding ratios along the long and short edges, each in [0, 1) (default 0,0).", valueName: "LONG,SHORT"))
    var pad: String = "0,0"

    @Flag(name: .long, help: "Perspective-warp each quadrilateral to an upright rectangle (MMOCR's warp_img) instead of cutting its bounding box.")
    var warp = false

    @Flag(name: [.customLong("preserve-vertical"), .customLong("preserve_vertical")], help: "Keep vertical crops with the others (= --vertical keep).")
    var preserveVertical = false

    @Option(name: .long, help: ArgumentHelp("Vertical crops: ignores (default), keep, rotate (90° counter-clockwise), drop.", valueName: "rule"))
    var vertical: CropSettings.VerticalRule?

    @Option(name: .long, help: ArgumentHelp("Labels: jsonl (default) or txt label files, or lmdb (crops and labels in OUT/label.lmdb, the clovaai / MMOCR layout).", valueName: "format"))
    var format: String = "jsonl"

    @Option(name: .long, help: ArgumentHelp("Label format family: mmocr0 (default: label.jsonl|txt), mmocr1 (textrecog.json), paddle (rec_gt.txt, img_path<TAB>text), doctr (labels.json + images/), hf (metadata.jsonl + images/), easyocr (crops/labels.csv beside the crops), tesstrain (crops/<crop>.gt.txt).", valueName: "format"))
    var to: AnnotationTarget = .mmocr0

    @Flag(name: .customLong("ensure-ascii"), help: "Escape non-ASCII text in jsonl labels as \\uXXXX (json.dumps' default).")
    var ensureASCII = false

    @Option(name: .long, help: "EXIF orientation policy: ignore (coordinates on stored pixels, the default) or apply (coordinates on the rotated image).")
    var exif: ExifPolicy = .ignore

    @Option(name: .customLong("text-from"), help: ArgumentHelp("A zoo dataset whose converter reads the transcriptions from each image's segm_file, for annotations without 'text' (e.g. icdar2015).", valueName: "DATASET"))
    var textFrom: String?

    @Option(name: .customLong("gt-dir"), help: ArgumentHelp("Folder segm_file entries are relative to (default: annotations/ beside the annotation).", valueName: "DIR"))
    var gtDir: String?

    @OptionGroup var common: RunOptions
    @OptionGroup var sharding: ShardOptions

    func run() throws {
        OutputGuard.shared.addInputs([annotation, textFrom, gtDir])
        OutputGuard.shared.addInputs([images], kind: .root)
        let pads = pad.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard pads.count == 2, let long = pads[0], let short = pads[1], (0..<1).contains(long), (0..<1).contains(short) else {
            throw PrepError.usage("--pad takes two ratios in [0, 1) separated by a comma, e.g. 0.4,0.2 (got '\(pad)')")
        }
        if warp && pad != "0,0" { throw PrepError.usage("--warp and --pad cannot be combined (warps are not padded)") }
        if preserveVertical, let v = vertical, v != .keep {
            throw PrepError.usage("--preserve-vertical and --vertical \(v.rawValue) contradict each other")
        }
        var recipe: Recipe? = nil
        if let name = textFrom {
            guard let r = try Zoo.load().recipe(name) else { throw PrepError.usage("--text-from: unknown dataset '\(name)'") }
            recipe = r
        }
        let annotation = URL(fileURLWithPath: self.annotation).standardizedFileURL
        let settings = CropSettings(mode: warp ? .warp : .box(longPad: long, shortPad: short), exif: exif,
                                    vertical: preserveVertical ? .keep : (vertical ?? .ignores))
        var job = CropsJob(annotation: annotation,
                           images: images.map { URL(fileURLWithPath: $0).standardizedFileURL }
                               ?? annotation.deletingLastPathComponent().appendingPathComponent("imgs"),
                           output: URL(fileURLWithPath: out).standardizedFileURL, settings: settings, format: format,
                           ensureASCII: ensureASCII, textFrom: recipe,
                           gtDirectory: gtDir.map { URL(fileURLWithPath: $0).standardizedFileURL },
                           workers: common.nproc, strict: common.strict, quiet: common.quiet)
        job.target = to
        job.shard = try sharding.resolve()
        let report = RunReport(command: "crops")
        if job.shard != nil { report.options["arguments"] = ShardOptions.fingerprint() }
        do {
            try job.run(report: report)
        } catch let error as PrepError {
            if case .usage = error { throw error }
            report.failure = error.description
            try common.finish(report)
            throw ExitCode.failure
        }
        try common.finish(report)
    }
}
