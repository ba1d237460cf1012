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
        abstract: "Export a trained model (CRNN) to ONNX; --verify runs it in ONNX Runtime against prep's forward.",
        discussion: """
        CKPT is a prep checkpoint (RUN/best.safetensors) or a CRNN state dict saved with \
        safetensors. The graph is laid out as MMOCR's pytorch2onnx.py writes the CRNN: input \
        'input' (N, C, 32, W), output 'output' (N, T, classes) raw logits, weights as \
        initializers under their state-dict names; the dictionary, normalisation and model \
        config are in metadata_props. --dynamic-batch / --dynamic-width make axis 0 ('batch') \
        and the width ('width', output 'seq_len') symbolic, as MMDeploy's dynamic configs do. \
        After writing, prep runs the file with its own ONNX interpreter and compares it with \
        its forward pass. --verify also runs onnx.checker.check_model and ONNX Runtime on \
        sample inputs (Python with onnxruntime and onnx: --python VENV, $PREP_PYTHON or \
        python3 on PATH) and fails unless the largest difference is at most 1e-4.

        Examples:
          prep export runs/crnn/best.safetensors -o crnn.onnx
          prep export runs/crnn/best.safetensors -o crnn.onnx --dynamic-batch --dynamic-width --verify
          prep export crnn_state.safetensors --dict DICT90 -o crnn.onnx --opset 11 --verify --python ~/venvs/ort
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

    @Option(name: .long, help: "Fixed batch size when the batch is not dynamic.")
    var batch: Int = 1

    @Option(name: .long, help: "Fixed input width when not dynamic (default: the width the model was trained at).")
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
        let options = ONNXExportOptions(opset: opset, dynamicBatch: dynamicBatch, dynamicWidth: dynamicWidth, batch: batch, width: width)
        let verifier = verify ? try ONNXRuntimeVerifier(python: python, threads: common.nproc) : nil
        do {
            let model = try ONNXCheckpoint.open(URL(fileURLWithPath: checkpoint), dict: dict)
            try ONNXModelFile.write(try model.onnxModel(options), to: out.path)
            let inputs = model.verificationInputs(options)
            // prep's own interpreter on the file just written.
            let own = try ONNXSelfCheck.maxAbsDiff(model: out.path, inputs: inputs, reference: model.referenceOutput)
            report.notes.append("\(model.kind) → \(out.path) (opset \(opset), \(describe(options))); prep's ONNX interpreter vs prep's forward: max |diff| \(format(own))")
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

    func describe(_ o: ONNXExportOptions) -> String {
        "batch \(o.dynamicBatch ? "dynamic" : String(o.batch)), width \(o.dynamicWidth ? "dynamic" : String(o.width.map(String.init) ?? "from the checkpoint"))"
    }

    func format(_ v: Float) -> String { String(format: "%.2e", Double(v)) }
}
