import Foundation
import ArgumentParser
import PrepCore
import PrepPipeline

/// `prep labelme JSON_DIR IMAGE_DIR OUT_DIR`: your own labelme annotations → MMOCR det and recog data.
struct LabelmeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "labelme",
        abstract: "Convert labelme annotations to MMOCR det line JSON and recognition crops (as MMOCR's common/labelme_converter.py).",
        discussion: """
        det writes OUT_DIR/instances_training.txt (one JSON line per image, with each shape's text). \
        recog writes OUT_DIR/crops/<image stem>/crop_<k>.jpg (the shape's box with MMOCR's 0.4/0.2 \
        padding) and OUT_DIR/train_label.jsonl (or .txt), paths relative to OUT_DIR; --warp adds \
        warp_<k>.jpg (the shape warped upright; polygons of more than 4 points through their \
        minimum-area rectangle) and warp_train_label.*. Shapes labelled ### are do-not-care (iscrowd \
        1, no crop). A shape that is not a rectangle or polygon is left out and reported; the rest \
        of its image is kept.

        Examples:
          prep labelme data/labelme/json data/labelme/imgs data/out
          prep labelme json imgs out --tasks det recog --format txt --warp --nproc 4
        """)

    @Argument(help: "Folder of labelme JSON files.")
    var jsonDir: String

    @Argument(help: "Folder of the images (found by the base name of each file's imagePath).")
    var imageDir: String

    @Argument(help: "Output folder.")
    var outDir: String

    @Option(name: [.customLong("tasks"), .customLong("task")], parsing: .upToNextOption, help: "det, recog or both (default: det).")
    var tasks: [String] = ["det"]

    @Option(name: .long, help: ArgumentHelp("recog labels: jsonl (default) or txt.", valueName: "format"))
    var format: String = "jsonl"

    @Flag(name: .long, help: "Also write perspective-warped crops (warp_<k>.jpg, warp_train_label.*).")
    var warp = false

    @Option(name: .long, help: "EXIF orientation: apply (default: labelme draws on the displayed image) or ignore.")
    var exif: ExifPolicy = .apply

    @OptionGroup var common: RunOptions

    func run() throws {
        OutputGuard.shared.addInputs([jsonDir, imageDir], kind: .root)
        for t in tasks where t != "det" && t != "recog" { throw PrepError.usage("--tasks takes det and/or recog (got '\(t)')") }
        guard let fmt = LabelFileSink.Format(rawValue: format) else { throw PrepError.usage("--format must be jsonl or txt (got '\(format)')") }
        let job = LabelmeJob(jsonDirectory: URL(fileURLWithPath: jsonDir).standardizedFileURL,
                             imageDirectory: URL(fileURLWithPath: imageDir).standardizedFileURL,
                             output: URL(fileURLWithPath: outDir).standardizedFileURL, tasks: Set(tasks), format: fmt,
                             warp: warp, exif: exif, workers: common.nproc, strict: common.strict, quiet: common.quiet)
        try RunOptions.running("labelme", common) { try job.run(report: $0) }
    }
}
