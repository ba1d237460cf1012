import Foundation
import ArgumentParser
import PrepCore
import PrepFormats
import PrepModels
import PrepNN
import PrepPipeline

/// `prep ocr IMAGES… --det CKPT --rec CKPT -o OUT`: detection, word crops, recognition —
/// pre-labelled annotations to correct by hand.
struct OCRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ocr",
        abstract: "Read text on images end to end (DBNet + CRNN); results as a spotting file or labelme JSON to correct.",
        discussion: """
        Each image goes through the detector (--det, a prep train det checkpoint; resized and \
        post-processed as prep infer det), each region is cut with prep crops' engine \
        (perspective warp of quadrilaterals, polygons through their minimum-area rectangle) and \
        read by the recognizer (--rec, a prep train recog checkpoint, as prep infer recog). \
        OUT is a spotting file (--to mmocr1: textspotting JSON; coco, paddle, line-json, mmocr0: \
        with each instance's text and detection score) or, with --to labelme, a folder with one \
        labelme JSON per image whose shapes are labelled with the text read: open them in \
        labelme, correct, and turn them into any format with prep labelme / prep convert. \
        prep show draws either.

        Examples:
          prep ocr photos/ --det runs/db/best.safetensors --rec runs/crnn/best.safetensors -o prelabel/ --to labelme
          prep ocr scan1.jpg scan2.jpg --det db.safetensors --rec crnn.safetensors -o spotting.json
          prep labelme prelabel/ --images photos -o corrected
        """)

    @Argument(help: ArgumentHelp("Image files, image folders or detection annotations.", valueName: "IMAGES"))
    var inputs: [String]

    @Option(name: .long, help: ArgumentHelp("The detector checkpoint (prep train det).", valueName: "CKPT"))
    var det: String

    @Option(name: .long, help: ArgumentHelp("The recognizer checkpoint (prep train recog).", valueName: "CKPT"))
    var rec: String

    @Option(name: .long, help: ArgumentHelp("Dictionary of a recognizer checkpoint without prep's metadata (default DICT36).", valueName: "F"))
    var dict: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("The spotting file (a folder with --to labelme).", valueName: "OUT"))
    var output: String

    @OptionGroup var detect: DetectOptions

    @Option(name: .long, help: "Word crops per recognition batch.")
    var batch: Int = 64

    @OptionGroup var common: RunOptions

    func run() throws {
        try RunOptions.running("ocr", common) { report in
            Threads.set(common.nproc)
            // Both checkpoints are checked before any work.
            let (recognizer, charset, spec) = try InferRecogCommand.loadRecognizer(rec, dict: dict)
            let detections = try detect.detect(checkpoint: det, inputs: inputs, nproc: common.nproc, quiet: common.quiet, report: report)
            let cropper = DetectionCropper()
            var pages: [PredictionWriter.Page] = []
            let progress = Progress(label: "read", total: detections.count, quiet: common.quiet)
            var words = 0, unread = 0
            for d in detections {
                var instances = d.texts.map { DetectOptions.instance($0, text: "") }
                do {
                    let cut = try cropper.cut(image: d.page.url, polygons: d.texts.map(\.polygon))
                    for s in cut.skipped { report.skip(split: "ocr", file: s.file, reason: s.reason + "; region kept without text") }
                    let items = cut.crops.map { RecogItem(name: "\(d.page.name)#\($0.index + 1)", text: "", location: "\(d.page.url.path) region \($0.index + 1)") }
                    let source = ListRecogSource(origin: d.page.url.path, items: items) { cut.crops[$0].bytes }
                    var failures: [(name: String, reason: String)] = []
                    let read = RecogPredictor(network: recognizer, charset: charset, spec: spec, batchSize: batch, workers: common.nproc)
                        .run(source, withLoss: false, failures: &failures)
                    for f in failures { report.skip(split: "ocr", file: f.name, reason: f.reason) }
                    for r in read {
                        let k = cut.crops[r.index].index
                        instances[k].text = r.prediction.text
                        instances[k].attributes["text_score"] = .double(Double(r.prediction.score))
                    }
                    words += read.count
                    unread += d.texts.count - read.count
                } catch let e as PrepError {
                    report.skip(split: "ocr", file: d.page.url.path, reason: "\(e); its regions kept without text")
                    unread += d.texts.count
                }
                pages.append(PredictionWriter.Page(name: d.page.name, image: d.page.url, width: d.width, height: d.height, instances: instances))
                progress.advance(1)
            }
            progress.finish()
            report.update(split: "infer") { $0.instances = words }
            try PredictionWriter(target: detect.target, output: URL(fileURLWithPath: output), hasText: true).write(pages, report: report)
            report.notes.append("\(words) word(s) read on \(pages.count) image(s)\(unread > 0 ? ", \(unread) region(s) without text" : "") → \(output) (\(detect.to))")
        }
    }
}
