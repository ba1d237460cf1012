import Foundation
import ArgumentParser
import PrepCore
import PrepFormats
import PrepModels
import PrepNN
import PrepONNX
import PrepPipeline

/// What `prep infer det` and `prep ocr` share: the detector checkpoint, the test-time resize,
/// the post-processing and the output format.
struct DetectOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Output format: \(PredictionWriter.Target.names) (labelme: OUT is a folder, one JSON per image).", valueName: "FORMAT"))
    var to: String = "mmocr1"

    @Option(name: .customLong("text-repr"), help: "quad (minimum-area rectangles) or poly (polygons), as MMOCR's DBPostprocessor.")
    var textRepr: String = "quad"

    @Option(name: .long, help: ArgumentHelp("Resize LONG,SHORT keeping the ratio, padded to a multiple of 32 (MMOCR's test pipeline: 4068,1024).", valueName: "L,S"))
    var scale: String = "4068,1024"

    @Option(name: .customLong("min-score"), help: "Drop detections whose mean probability is below this (MMOCR: 0.3).")
    var minScore: Double = 0.3

    @Option(name: .long, help: ArgumentHelp("Folder an annotation input's image paths are relative to.", valueName: "DIR"))
    var images: String?

    func validate() throws {
        guard PredictionWriter.Target(to) != nil else { throw ValidationError("--to must be \(PredictionWriter.Target.names)") }
        guard ["quad", "poly"].contains(textRepr) else { throw ValidationError("--text-repr must be quad or poly") }
        guard TrainDetCommand.scale(scale) != nil else { throw ValidationError("--scale must be LONG,SHORT (two positive integers)") }
    }

    var target: PredictionWriter.Target { PredictionWriter.Target(to)! }

    /// Loads the detector and runs it over the inputs' pages; unreadable pages go to the report.
    /// With `onnx`, that ONNX model run by prep's interpreter is the detector (`checkpoint` unused).
    func detect(checkpoint: String, onnx: String? = nil, inputs: [String], nproc: Int, quiet: Bool, report: RunReport) throws -> [DetPredictor.Output] {
        let detector: DetProbabilityModel
        if let onnx {
            let model: ONNXDetector
            do { model = try ONNXDetector(path: onnx) } catch let e as ONNXError { throw e.prepError }
            let i = model.interpreter
            report.notes.append("\(onnx): \(i.producer.isEmpty ? "ONNX model" : i.producer), opset \(i.opset), run by prep's interpreter (ops: \(i.operators.joined(separator: ", ")))")
            detector = model
        } else {
            let (net, meta) = try DBNetDetector.load(checkpoint: URL(fileURLWithPath: checkpoint))
            report.notes.append("detector \(meta["model"] ?? "resnet18") from \(checkpoint)")
            detector = net
        }
        let gathered = try DetPage.gather(inputs, images: images.map { URL(fileURLWithPath: $0) })
        for s in gathered.skipped { report.skip(split: "infer", file: s.location, reason: s.reason) }
        guard !gathered.pages.isEmpty else { throw PrepError.failed("no images in \(inputs.joined(separator: ", "))") }
        let s = TrainDetCommand.scale(scale)!
        let post = DBPostprocessor(textRepr: textRepr == "poly" ? .poly : .quad, minTextScore: minScore)
        let progress = Progress(label: "detect", total: gathered.pages.count, quiet: quiet)
        var failures: [(path: String, reason: String)] = []
        var done = 0
        let outputs: [DetPredictor.Output]
        do {
            outputs = try DetPredictor(detector: detector, postprocessor: post, scale: (s[0], s[1]), workers: nproc)
                .run(gathered.pages, failures: &failures) { n in progress.advance(n - done); done = n }
        } catch let e as ONNXError {
            progress.finish()
            throw e.prepError
        }
        progress.finish()
        for f in failures { report.skip(split: "infer", file: f.path, reason: f.reason + "; image skipped") }
        for o in outputs { if let n = o.notice { report.warn(split: "infer", file: o.page.url.path, reason: n) } }
        report.update(split: "infer") { $0.images = outputs.count }
        return outputs
    }

    /// A detection as an annotation instance, its score kept.
    static func instance(_ t: DetectedText, text: String? = nil) -> TextInstance {
        TextInstance(polygon: t.polygon, text: text, attributes: ["score": .double(t.score)])
    }
}

/// `prep infer det CKPT IMAGES… -o OUT`: text regions found by a trained DBNet.
struct InferDetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "det",
        abstract: "Find text regions with a trained DBNet; predictions (with scores) in any detection format prep writes.",
        discussion: """
        CKPT: RUN/best.safetensors or RUN/last.safetensors of prep train det. IMAGES: image \
        files, folders of images, or a detection annotation (its pages). Each image is resized \
        keeping its ratio (--scale, MMOCR's test pipeline) and padded to a multiple of 32; the \
        probability map is thresholded, contours unclipped (ratio 1.5) and scored as MMOCR's \
        DBPostprocessor; polygons are in the original image's pixels. OUT is a file in --to's \
        format with a "score" per instance (prep eval det ranks by it), or, with --to labelme, \
        a folder of labelme JSON files (one per image) to correct by hand.

        --onnx MODEL.onnx runs an ONNX DBNet (prep export's, or MMDeploy's/PyTorch's export of \
        the same architecture: input (N, 3, H, W), output the probability map) with prep's own \
        interpreter instead of a checkpoint; then every positional argument is an IMAGE. A \
        model with a fixed input size takes pages up to that size (lower --scale to fit).

        Examples:
          prep infer det runs/db/best.safetensors data/textdet_test.json -o pred/textdet_pred.json
          prep infer det runs/db/best.safetensors photos/ -o pred.txt --to paddle --text-repr poly
          prep infer det runs/db/best.safetensors photos/ -o labelme/ --to labelme
          prep infer det --onnx dbnet.onnx photos/ -o pred.json --scale 640,640
          prep eval det data/textdet_test.json pred/textdet_pred.json
        """)

    @Argument(help: ArgumentHelp("The detector checkpoint (safetensors); with --onnx, the first IMAGE.", valueName: "CKPT"))
    var checkpoint: String

    @Argument(help: ArgumentHelp("Image files, image folders or detection annotations.", valueName: "IMAGES"))
    var inputs: [String] = []

    @Option(name: .long, help: ArgumentHelp("Run this ONNX DBNet with prep's interpreter instead of a checkpoint.", valueName: "MODEL.onnx"))
    var onnx: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("The prediction file (a folder with --to labelme).", valueName: "OUT"))
    var output: String

    @OptionGroup var detect: DetectOptions

    @OptionGroup var common: RunOptions

    func validate() throws {
        guard onnx != nil || !inputs.isEmpty else { throw ValidationError("give at least one IMAGES argument after CKPT") }
    }

    func run() throws {
        try RunOptions.running("infer det", common) { report in
            Threads.set(common.nproc)
            let outputs = try detect.detect(checkpoint: checkpoint, onnx: onnx, inputs: onnx == nil ? inputs : [checkpoint] + inputs,
                                            nproc: common.nproc, quiet: common.quiet, report: report)
            let pages = outputs.map { o in
                PredictionWriter.Page(name: o.page.name, image: o.page.url, width: o.width, height: o.height, instances: o.texts.map { DetectOptions.instance($0) })
            }
            let n = pages.reduce(0) { $0 + $1.instances.count }
            report.update(split: "infer") { $0.instances = n }
            try PredictionWriter(target: detect.target, output: URL(fileURLWithPath: output), hasText: false).write(pages, report: report)
            report.notes.append("\(n) text region(s) on \(pages.count) image(s) → \(output) (\(detect.to))")
        }
    }
}
