import Foundation
import PrepCore
import PrepNN

/// `prep export --verify`, as MMOCR's `pytorch2onnx.py --verify`: runs the exported file in
/// ONNX Runtime (the `onnxruntime` Python package) on sample inputs, checks it with
/// `onnx.checker.check_model(full_check=True)`, and compares every output with prep's own
/// forward pass. Python is the one given (`--python`, a venv folder or an interpreter), else
/// `$PREP_PYTHON`, else `python3` on PATH; a missing package is a clear error saying what to
/// install.
public struct ONNXRuntimeVerifier {
    public let python: String
    public var threads: Int

    public struct Result: Sendable {
        /// The largest |ORT − prep| over every output element of every sample input.
        public var maxAbsDiff: Float
        public var shapes: [[Int]]
        public var onnxVersion: String
        public var runtimeVersion: String
    }

    /// The tolerance the issue sets for an export (`pytorch2onnx.py --verify` uses rtol/atol 1e-5
    /// on a smaller model; 1e-4 absolute covers the 8.3 M-parameter CRNN's summation orders).
    public static let tolerance: Float = 1e-4

    public init(python: String?, threads: Int) throws {
        self.python = try Self.resolvePython(python)
        self.threads = threads
    }

    /// `given` (a venv folder or an interpreter), `$PREP_PYTHON`, or `python3` on PATH.
    public static func resolvePython(_ given: String?) throws -> String {
        let env = ProcessInfo.processInfo.environment
        if let p = given ?? env["PREP_PYTHON"].flatMap({ $0.isEmpty ? nil : $0 }) {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue {
                let inVenv = (p as NSString).appendingPathComponent("bin/python")
                guard FileManager.default.isExecutableFile(atPath: inVenv) else {
                    throw PrepError.usage("\(p) is a folder without bin/python: give a virtualenv or a Python interpreter")
                }
                return inVenv
            }
            guard FileManager.default.isExecutableFile(atPath: p) else { throw PrepError.usage("Python interpreter \(p) not found") }
            return p
        }
        for dir in (env["PATH"] ?? "/usr/bin").split(separator: ":") {
            let p = "\(dir)/python3"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        throw PrepError.failed("--verify needs Python with onnxruntime and onnx: none found on PATH (give --python VENV or set PREP_PYTHON)")
    }

    /// Runs `model` in ONNX Runtime on `inputs` (fed as graph input `input`) and compares with
    /// `reference(input)` (shape and N-major values as the graph's output).
    public func verify(model: String, inputs: [Tensor], reference: (Tensor) -> (shape: [Int], values: [Float])) throws -> Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prep-verify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var spec: [String] = []
        for (i, x) in inputs.enumerated() {
            let file = dir.appendingPathComponent("in\(i).f32")
            try Data(bytes: x.data, count: x.count * 4).write(to: file)
            spec.append("{\"file\": \"\(file.path)\", \"out\": \"\(dir.appendingPathComponent("out\(i).f32").path)\", \"shape\": \(x.shape)}")
        }
        let specFile = dir.appendingPathComponent("inputs.json")
        try Data("[\(spec.joined(separator: ", "))]".utf8).write(to: specFile)
        let script = dir.appendingPathComponent("verify.py")
        try Data(Self.script.utf8).write(to: script)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [script.path, model, specFile.path, String(threads)]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch { throw PrepError.failed("cannot run \(python): \(error.localizedDescription)") }
        // stderr is read on another thread so neither pipe can fill up and block Python.
        let errReader = DispatchQueue(label: "prep.verify.stderr")
        let errBox = DataBox()
        errReader.async { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        errReader.sync {}
        let stderr = errBox.data
        p.waitUntilExit()
        let text = String(decoding: stdout, as: UTF8.self)
        if p.terminationStatus == 3 {
            throw PrepError.failed("--verify: \(python) lacks the Python package \(text.trimmingCharacters(in: .whitespacesAndNewlines)): install it with `\(python) -m pip install onnxruntime onnx`, or give --python VENV")
        }
        guard p.terminationStatus == 0, let reply = try? JSONReader.parse(text.split(separator: "\n").last.map(String.init) ?? "") else {
            let tail = String(decoding: stderr, as: UTF8.self).split(separator: "\n").suffix(6).joined(separator: "\n")
            throw PrepError.failed("--verify: ONNX Runtime or the ONNX checker rejected \(model):\n\(tail)")
        }
        var maxDiff: Float = 0
        var shapes: [[Int]] = []
        let outShapes = reply["shapes"]?.array ?? []
        for (i, x) in inputs.enumerated() {
            let ref = reference(x)
            let got = i < outShapes.count ? (outShapes[i].array ?? []).compactMap { $0.number.map { Int($0) } } : []
            guard got == ref.shape else {
                throw PrepError.failed("--verify: ONNX Runtime's output for input \(x.shape) has shape \(got), prep's \(ref.shape)")
            }
            shapes.append(got)
            guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent("out\(i).f32").path), data.count == ref.values.count * 4 else {
                throw PrepError.failed("--verify: ONNX Runtime's output \(i) is missing or short")
            }
            data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                for k in 0..<ref.values.count {
                    let v = raw.loadUnaligned(fromByteOffset: k * 4, as: Float.self)
                    let d = abs(v - ref.values[k])
                    maxDiff = d.isNaN ? .infinity : max(maxDiff, d)
                }
            }
        }
        return Result(maxAbsDiff: maxDiff, shapes: shapes, onnxVersion: reply["onnx"]?.string ?? "?",
                      runtimeVersion: reply["onnxruntime"]?.string ?? "?")
    }

    /// The Python side: check, run, write raw float32 outputs, print one JSON line.
    static let script = #"""
    import json, sys
    try:
        import numpy as np
        import onnx
        import onnxruntime as ort
    except ImportError as e:
        print(e.name)
        sys.exit(3)
    model_path, spec_path, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    onnx.checker.check_model(onnx.load(model_path), full_check=True)
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(model_path, so, providers=["CPUExecutionProvider"])
    shapes = []
    for s in json.load(open(spec_path)):
        x = np.fromfile(s["file"], dtype="<f4").reshape(s["shape"])
        y = sess.run(["output"], {"input": x})[0]
        np.ascontiguousarray(y, dtype="<f4").tofile(s["out"])
        shapes.append(list(y.shape))
    print(json.dumps({"shapes": shapes, "onnx": onnx.__version__, "onnxruntime": ort.__version__}))
    """#
}

/// What the stderr reader collected (written on its queue, read after `sync`).
private final class DataBox: @unchecked Sendable { var data = Data() }
