import Foundation
import ArgumentParser
import PrepCore
import PrepModels
import PrepNN
import PrepONNX

/// `prep infer recog CKPT INPUT… -o OUT`: predictions of a trained recognizer as a label file.
struct InferRecogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recog",
        abstract: "Read word images with a trained recognizer; predictions as a prep label file (name, text, score).",
        discussion: """
        CKPT is a prep checkpoint (RUN/best.safetensors, RUN/last.safetensors) or a CRNN state \
        dict saved with PyTorch's safetensors (then --dict gives its dictionary; default DICT36, \
        MMOCR's CRNN). INPUT: image files, a folder of crops, a label file or an LMDB (several \
        are read in order). OUT is jsonl ({"filename", "text", "score"}: the mean of the kept \
        characters' probabilities, as MMOCR) or txt (FILENAME TEXT); prep eval recog and every \
        converter read both. --audit GT scores the inputs against the labels of GT (matched by \
        file name) and lists the samples the model contradicts with high confidence, ranked by \
        loss, in OUT's folder as <OUT stem>_audit.jsonl and <OUT stem>_audit/ (for prep show). \
        --onnx MODEL.onnx runs an ONNX recognizer (prep export's, or PyTorch's/MMDeploy's export \
        of a CRNN: input (N, C, 32, W), output (N, T, classes)) with prep's own kernels instead \
        of a checkpoint: then every positional argument is an INPUT, and the dictionary comes \
        from the model's metadata_props (or --dict).

        Examples:
          prep infer recog runs/crnn/best.safetensors data/test.lmdb -o pred.jsonl
          prep infer recog runs/crnn/best.safetensors crops/ -o pred.txt
          prep infer recog runs/crnn/best.safetensors data/test_label.jsonl -o pred.jsonl --audit data/test_label.jsonl
          prep infer recog --onnx crnn.onnx data/test.lmdb -o pred.jsonl
        """)

    @Argument(help: ArgumentHelp("The checkpoint (safetensors); with --onnx, the first INPUT.", valueName: "CKPT"))
    var checkpoint: String

    @Argument(help: ArgumentHelp("Image files, crop folders, label files or LMDBs.", valueName: "INPUT"))
    var inputs: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("The prediction file.", valueName: "OUT"))
    var output: String

    @Option(name: .long, help: ArgumentHelp("Run this ONNX model with prep's interpreter instead of a checkpoint.", valueName: "MODEL.onnx"))
    var onnx: String?

    @Option(name: .long, help: "txt or jsonl (default: from OUT's extension, jsonl unless .txt).")
    var format: String?

    @Option(name: .long, help: "Images per batch.")
    var batch: Int = 64

    @Option(name: .long, help: ArgumentHelp("Folder the label files' image names are relative to.", valueName: "DIR"))
    var images: String?

    @Option(name: .long, help: ArgumentHelp("Dictionary of a checkpoint without prep's metadata: DICT36 (default), DICT90 or a file.", valueName: "F"))
    var dict: String?

    @Option(name: .long, help: ArgumentHelp("Labels to audit the predictions against (label file or LMDB).", valueName: "GT"))
    var audit: String?

    @Option(name: .customLong("audit-confidence"), help: "Minimum confidence of a contradicting prediction for the audit.")
    var auditConfidence: Double = 0.9

    @OptionGroup var common: RunOptions

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard onnx != nil || !inputs.isEmpty else { throw ValidationError("give at least one INPUT after CKPT") }
        if let format, RecogPredictionWriter.Format(rawValue: format) == nil { throw ValidationError("--format must be txt or jsonl") }
    }

    func run() throws {
        try RunOptions.running("infer recog", common) { report in try infer(report) }
    }

    /// A recognizer checkpoint with its dictionary (from its metadata, else `dict`, else
    /// DICT36) and input settings; a dictionary that does not fit the model names the tensor.
    static func loadRecognizer(_ checkpoint: String, dict: String?) throws -> (CRNNRecognizer, Charset, RecogInputSpec) {
        let (network, meta) = try CRNNRecognizer.load(checkpoint: URL(fileURLWithPath: checkpoint))
        let charset = try RecogModelMetadata.charset(meta, dict: dict, source: checkpoint)
        try RecogModelMetadata.requireClasses(charset, classes: network.classCount, source: checkpoint,
                                              where: "tensor 'decoder.decoder.1.embedding.weight'", unit: "rows")
        return (network, charset, RecogModelMetadata.inputSpec(meta, channels: network.model.config.inputChannels))
    }

    func infer(_ report: RunReport) throws {
        Threads.set(common.nproc)
        let network: RecogNetwork, charset: Charset, spec: RecogInputSpec
        let inputs = onnx == nil ? self.inputs : [checkpoint] + self.inputs
        if let onnx {
            let rec: ONNXRecognizer
            do { rec = try ONNXRecognizer(path: onnx) } catch let e as ONNXError { throw e.prepError }
            report.notes.append("\(onnx): \(rec.interpreter.producer.isEmpty ? "ONNX model" : rec.interpreter.producer), opset \(rec.interpreter.opset), run by prep's interpreter (ops: \(rec.interpreter.operators.joined(separator: ", ")))")
            charset = try RecogModelMetadata.charset(rec.interpreter.metadata, dict: dict, source: onnx)
            try RecogModelMetadata.requireClasses(charset, classes: rec.classCount, source: onnx,
                                                  where: "output '\(rec.outputName)'", unit: "classes")
            (network, spec) = (rec, rec.spec)
        } else {
            let (crnn, cs, sp) = try Self.loadRecognizer(checkpoint, dict: dict)
            (network, charset, spec) = (crnn, cs, sp)
        }
        let out = URL(fileURLWithPath: output).standardizedFileURL
        let fmt = format.flatMap(RecogPredictionWriter.Format.init(rawValue:)) ?? (out.pathExtension.lowercased() == "txt" ? .txt : .jsonl)
        guard FileManager.default.isWritableFile(atPath: out.deletingLastPathComponent().path) else {
            throw PrepError.io(path: out.deletingLastPathComponent().path, reason: "the output folder does not exist or is not writable")
        }

        var source = try RecogDataOpening.open(inputs, images: images, allowUnlabelled: true, report: report, split: "infer")
        if let audit {
            // The labels of GT, matched to the inputs by name.
            let gt = try RecogDataOpening.open([audit], images: images, report: report, split: "gt")
            var byName: [String: String] = [:]
            for i in 0..<gt.count { byName[gt.item(at: i).name] = gt.item(at: i).text }
            let inner = source
            let items = (0..<inner.count).map { i -> RecogItem in
                var it = inner.item(at: i)
                it.text = byName[it.name] ?? ""
                return it
            }
            let unmatched = items.filter { byName[$0.name] == nil }.count
            if unmatched > 0 { report.warn(split: "gt", file: audit, reason: "\(unmatched) input(s) have no label in GT (matched by file name); not audited") }
            source = ListRecogSource(origin: inner.origin, items: items) { try inner.imageBytes(at: $0) }
        }
        let progress = Progress(label: "infer", total: source.count, quiet: common.quiet)
        var failures: [(name: String, reason: String)] = []
        var done = 0
        let outputs = RecogPredictor(network: network, charset: charset, spec: spec, batchSize: batch, workers: common.nproc)
            .run(source, withLoss: audit != nil, failures: &failures) { n in progress.advance(n - done); done = n }
        progress.finish()
        if let failed = (network as? ONNXRecognizer)?.failure { throw failed.prepError }
        for f in failures { report.skip(split: "infer", file: f.name, reason: f.reason) }
        let rows = outputs.map { RecogPredictionWriter.Row(name: $0.name, text: $0.prediction.text, score: $0.prediction.score) }
        for r in try RecogPredictionWriter(url: out, format: fmt).write(rows) { report.skip(split: "infer", file: r.name, reason: r.reason) }
        report.update(split: "infer") { $0.instances = rows.count; $0.outputs = [out.path] }
        if audit != nil {
            let a = RecogLabelAudit(minConfidence: Float(auditConfidence), charset: charset)
            let suspects = a.suspects(RecogLabelAudit.candidates(outputs))
            let stem = out.deletingPathExtension()
            let auditReport = URL(fileURLWithPath: stem.path + "_audit.jsonl"), auditFolder = URL(fileURLWithPath: stem.path + "_audit")
            try a.write(suspects, report: auditReport, folder: auditFolder) { try source.imageBytes(at: $0) }
            let words = outputs.filter { !$0.label.isEmpty }
            let exact = words.filter { $0.prediction.text == (charset.lowercase ? $0.label.lowercased() : $0.label) }.count
            report.notes.append("audit: \(exact) of \(words.count) labelled inputs read exactly; \(suspects.count) suspect(s) in \(auditReport.path)")
        }
        report.notes.append("\(rows.count) prediction(s) in \(out.path) (\(fmt.rawValue))")
    }
}
