import Foundation
import ArgumentParser
import PrepCore
import PrepModels
import PrepNN
import PrepONNX

/// `prep export CKPT -o model.onnx`: a trained model as an ONNX file, optionally checked in ONNX Runtime.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a trained model (CRNN or DBNet) to ONNX; --verify runs it in ONNX Runtime against prep's forward.",
        discussion: """
        CKPT is a prep checkpoint (RUN/best.safetensors) or a CRNN state dict saved with \
        safetensors, or a DBNet checkpoint of prep train det (or an MMOCR-layout DBNet state \
        dict). A CRNN is laid out as MMOCR's pytorch2onnx.py writes it: input 'input' (N, C, 32, \
        W), output 'output' (N, T, classes) raw logits; the dictionary, normalisation and model \
        config are in metadata_props. A DBNet is laid out as MMDeploy deploys MMOCR 1.x's: input \
        'input' (N, 3, H, W), output 'output' (N, H, W) the probability map (sigmoid), fixed \
        640×640 unless --height/--width (multiples of 32) or --dynamic-height/--dynamic-width; \
        normalisation, test pipeline and post-processing settings are in metadata_props. \
        Weights are initializers under their state-dict names. --dynamic-batch / \
        --dynamic-width / --dynamic-height make those axes symbolic ('batch', 'width' (CRNN \
        output 'seq_len'), 'height'), as MMDeploy's dynamic configs do. \
        After writing, prep runs the file with its own ONNX interpreter and compares it with \
        its forward pass. --verify also runs onnx.checker.check_model and ONNX Runtime on \
        sample inputs (Python with onnxruntime and onnx: --python VENV, $PREP_PYTHON or \
        python3 on PATH) and fails unless the largest difference is at most 1e-4.

        Examples:
          prep export runs/crnn/best.safetensors -o crnn.onnx
          prep export runs/crnn/best.safetensors -o crnn.onnx --dynamic-batch --dynamic-width --verify
          prep export crnn_state.safetensors --dict DICT90 -o crnn.onnx --opset 11 --verify --python ~/venvs/ort
          prep export runs/db/best.safetensors -o dbnet.onnx --verify
          prep export runs/db/best.safetensors -o dbnet.onnx --dynamic-batch --dynamic-height --dynamic-width
        """)

    @Argument(help: ArgumentHelp("The checkpoint (safetensors).", valueName: "CKPT"))
    var checkpoint: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The ONNX file to write.", valueName: "OUT.onnx"))
    var output: String

    @Option(name: .long, help: "ONNX opset (11–22; MMOCR and MMDeploy use 11).")
    var opset: Int = 17

    @Flag(name: .customLong("dynamic-batch"), help: "Symbolic batch axis ('batch').")
    var dynamicBatch = false

    @Flag(name: .customLong("dynamic-width"), help: "Symbolic width ('width'; output 'seq_len').")
    var dynamicWidth = false

    @Flag(name: .customLong("dynamic-height"), help: "Symbolic height ('height'; DBNet only).")
    var dynamicHeight = false

    @Option(name: .long, help: "Fixed input height when not dynamic (DBNet only; default 640, a multiple of 32).")
    var height: Int?

    @Option(name: .long, help: "Fixed batch size when the batch is not dynamic.")
    var batch: Int = 1

    @Option(name: .long, help: "Fixed input width when not dynamic (default: CRNN the width the model was trained at, DBNet 640).")
    var width: Int?

    @Option(name: .long, help: ArgumentHelp("Dictionary of a checkpoint without prep's metadata: DICT36 (default), DICT90 or a file.", valueName: "F"))
    var dict: String?

    @Flag(name: .long, help: "Check the file with onnx.checker and compare ONNX Runtime's outputs with prep's (≤ 1e-4).")
    var verify = false

    @Option(name: .long, help: ArgumentHelp("Python (a virtualenv folder or an interpreter) with onnxruntime and onnx, for --verify.", valueName: "PY"))
    var python: String?

    @Flag(name: .long, help: "Overwrite OUT if it exists.")
    var force = false

    @OptionGroup var common: RunOptions

    func validate() throws {
        guard ONNXExportOptions.opsets.contains(opset) else {
            throw ValidationError("--opset must be between \(ONNXExportOptions.opsets.lowerBound) and \(ONNXExportOptions.opsets.upperBound)")
        }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        if let width { guard width >= 4 else { throw ValidationError("--width must be at least 4") } }
        if let height { guard height >= 1 else { throw ValidationError("--height must be positive") } }
    }

    func run() throws {
        try RunOptions.running("export", common) { report in try export(report) }
    }

    func export(_ report: RunReport) throws {
        Threads.set(common.nproc)
        let out = URL(fileURLWithPath: output).standardizedFileURL
        if FileManager.default.fileExists(atPath: out.path), !force {
            throw PrepError.usage("\(out.path) exists: give --force to overwrite it")
        }
        let options = ONNXExportOptions(opset: opset, dynamicBatch: dynamicBatch, dynamicWidth: dynamicWidth, batch: batch, width: width,
                                        dynamicHeight: dynamicHeight, height: height)
        let verifier = verify ? try ONNXRuntimeVerifier(python: python, threads: common.nproc) : nil
        do {
            let model = try ONNXCheckpoint.open(URL(fileURLWithPath: checkpoint), dict: dict)
            try ONNXModelFile.write(try model.onnxModel(options), to: out.path)
            let inputs = model.verificationInputs(options)
            // prep's own interpreter on the file just written.
            let own = try ONNXSelfCheck.maxAbsDiff(model: out.path, inputs: inputs, reference: model.referenceOutput)
            report.notes.append("\(model.kind) → \(out.path) (opset \(opset), \(describe(options, kind: model.kind))); prep's ONNX interpreter vs prep's forward: max |diff| \(format(own))")
            if let verifier {
                let r = try verifier.verify(model: out.path, inputs: inputs, reference: model.referenceOutput)
                report.notes.append("verify: onnx.checker.check_model passed (onnx \(r.onnxVersion)); ONNX Runtime \(r.runtimeVersion) vs prep on \(r.shapes.count) input(s) \(inputs.map(\.shape)): max |diff| \(format(r.maxAbsDiff)) (limit \(format(ONNXRuntimeVerifier.tolerance)))")
                guard r.maxAbsDiff <= ONNXRuntimeVerifier.tolerance else {
                    throw PrepError.failed("verify: ONNX Runtime's output differs from prep's by \(format(r.maxAbsDiff)) (> \(format(ONNXRuntimeVerifier.tolerance)))")
                }
            }
        } catch let e as ONNXError {
            throw e.prepError
        }
        report.update(split: "export") { $0.instances = 1; $0.outputs = [out.path] }
    }

    func describe(_ o: ONNXExportOptions, kind: String) -> String {
        // A DBNet's sides default to 640; a CRNN's width to its training width, its height is 32.
        let isDBNet = kind == "DBNet"
        var parts = ["batch \(o.dynamicBatch ? "dynamic" : String(o.batch))"]
        if isDBNet { parts.append("height \(o.dynamicHeight ? "dynamic" : String(o.height ?? DBNetONNXExport.defaultSide))") }
        parts.append("width \(o.dynamicWidth ? "dynamic" : o.width.map(String.init) ?? (isDBNet ? String(DBNetONNXExport.defaultSide) : "from the checkpoint"))")
        return parts.joined(separator: ", ")
    }

    func format(_ v: Float) -> String { String(format: "%.2e", Double(v)) }
}
