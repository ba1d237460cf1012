import Foundation
import ArgumentParser
import PrepCore
import PrepFormats
import PrepPipeline

/// `prep convert INPUT -o OUTPUT --to FORMAT`: one annotation format to another.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert an annotation file between MMOCR 0.x, MMOCR 1.x, PaddleOCR, COCO, line-JSON and LMDB.",
        discussion: """
        Reads any annotation file prep or the reference tools write and writes it in the --to format. The input format is detected (and named in the summary) unless --from gives it: \(AnnotationFormat.allCases.map(\.rawValue).joined(separator: ", ")).

        Detection files (COCO, MMOCR 1.x textdet/textspotting, line-JSON, PaddleOCR det) convert to mmocr0 (COCO 0.x, with a text key when the input has text), mmocr1 (textspotting when the input has text, else textdet), paddle, coco, line-json. Recognition files (txt/jsonl labels, MMOCR 1.x textrecog, PaddleOCR rec, LMDB) convert to mmocr0 (jsonl, or txt when OUTPUT ends in .txt), mmocr1 (textrecog), paddle, lmdb. What the target cannot hold (ignore flags in label files, image sizes in PaddleOCR, …) is listed as warnings; records it cannot hold at all are skipped and listed with file:line.

        Examples:
          prep convert instances_test.json -o textdet_test.json --to mmocr1
          prep convert textdet_test.json -o det_gt_test.txt --to paddle
          prep convert test_label.jsonl -o test.lmdb --to lmdb --images crops_root
          prep convert test.lmdb -o rec_gt_test.txt --to paddle     (images go to rec_gt_test_images/)
          prep convert rec_gt.txt --from paddle-rec -o textrecog_train.json --to mmocr1 --report r.json
          prep convert det_gt_test.txt -o coco_test.json --to coco --images out   (sizes from the image headers)
          prep convert train_label.jsonl -o crops/labels.json --to doctr      (docTR RecognitionDataset)
          prep convert train.lmdb -o tess_train --to tesstrain                 (images + <name>.gt.txt)
        """)

    @Argument(help: "The annotation file (or LMDB folder) to read.")
    var input: String

    @Option(name: [.short, .customLong("out")], help: "The file (or LMDB folder) to write.")
    var output: String

    @Option(name: .long, help: ArgumentHelp("Target: mmocr0, mmocr1, paddle, coco, line-json, lmdb, doctr, hf, easyocr, tesstrain (OUTPUT a folder: the images are put beside their .gt.txt).", valueName: "format"))
    var to: AnnotationTarget

    @Option(name: .long, help: ArgumentHelp("Input format, or auto (default).", valueName: "format"))
    var from: String = "auto"

    @Option(name: .long, help: ArgumentHelp("Folder the input's image paths are relative to (images for --to lmdb; sizes read from image headers where the input has none, e.g. PaddleOCR det → coco; default: the input's folder).", valueName: "DIR"))
    var images: String?

    @Flag(name: .long, help: "Replace OUTPUT if it exists (atomically, when the conversion succeeded).")
    var force = false

    @OptionGroup var common: RunOptions
    @OptionGroup var sharding: ShardOptions

    func run() throws {
        OutputGuard.shared.addInputs([input])
        OutputGuard.shared.addInputs([images], kind: .root)
        var format: AnnotationFormat? = nil
        if from != "auto" {
            guard let f = AnnotationFormat(rawValue: from) else {
                throw PrepError.usage("--from \(from): unknown format (auto, \(AnnotationFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            format = f
        }
        let input = URL(fileURLWithPath: self.input).standardizedFileURL
        let output = URL(fileURLWithPath: self.output).standardizedFileURL
        if input == output { throw PrepError.usage("the output would replace the input; give another -o") }
        if !force && FileManager.default.fileExists(atPath: output.path) {
            throw PrepError.usage("\(output.path) exists; give --force to replace it")
        }
        var job = ConvertJob(input: input, output: output, target: to, from: format,
                             images: images.map { URL(fileURLWithPath: $0).standardizedFileURL }, strict: common.strict,
                             quiet: common.quiet)
        job.shard = try sharding.resolve()
        let report = RunReport(command: "convert")
        if job.shard != nil { report.options["arguments"] = ShardOptions.fingerprint() }
        try common.perform(report) { try job.run(report: report) }
    }
}

extension AnnotationTarget: ExpressibleByArgument {}
