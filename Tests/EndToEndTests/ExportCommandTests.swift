import Foundation
import XCTest

/// `prep export` and `prep infer recog --onnx` through the real binary: export → run back in
/// prep's interpreter (the checkpoint's predictions exactly), a CRNN exported by PyTorch
/// (fixtures/onnx, scripts/make_onnx_fixture.py), and bad input. ONNX Runtime itself is
/// exercised by scripts/check-onnx.sh (it needs the onnxruntime wheel).
final class ExportCommandTests: XCTestCase {
    let weights = PrepProcess.fixture("crnn-parity/weights.safetensors").path
    let dict = PrepProcess.fixture("onnx/dict.txt").path
    let crops = PrepProcess.fixture("lmdb/rec-toy/imgs").path

    func testExportRunsBackWithTheCheckpointsPredictions() throws {
        let root = try PrepProcess.tempDir(self)
        let model = root.appendingPathComponent("crnn.onnx").path
        var r = try PrepProcess.run(["export", weights, "--dict", dict, "-o", model, "--dynamic-batch", "--dynamic-width", "--nproc", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("CRNN → \(model) (opset 17, batch dynamic, width dynamic)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("prep's ONNX interpreter vs prep's forward: max |diff|"), r.stdout)
        let ckpt = root.appendingPathComponent("ckpt.jsonl").path, onnx = root.appendingPathComponent("onnx.jsonl").path
        r = try PrepProcess.run(["infer", "recog", weights, "--dict", dict, crops, "-o", ckpt, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // The dictionary comes from the model's metadata_props.
        r = try PrepProcess.run(["infer", "recog", "--onnx", model, crops, "-o", onnx])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("opset 17, run by prep's interpreter"), r.stdout)
        XCTAssertEqual(try String(contentsOfFile: onnx, encoding: .utf8), try String(contentsOfFile: ckpt, encoding: .utf8))
        XCTAssertEqual(try String(contentsOfFile: onnx, encoding: .utf8).split(separator: "\n").count, 10)

        // An existing output is kept without --force.
        r = try PrepProcess.run(["export", weights, "--dict", dict, "-o", model])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("give --force"), r.stderr)
    }

    func testAPyTorchExportRunsInPrep() throws {
        let root = try PrepProcess.tempDir(self)
        let out = root.appendingPathComponent("pred.txt").path
        let r = try PrepProcess.run(["infer", "recog", "--onnx", PrepProcess.fixture("onnx/crnn_torch_opset11.onnx").path, "--dict", dict,
                                     crops, "-o", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("pytorch 2.0.1, opset 11"), r.stdout)
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").count, 10)
    }

    func testBadModelsAndOptionsAreClearErrors() throws {
        let root = try PrepProcess.tempDir(self)
        let out = root.appendingPathComponent("p.jsonl").path
        let torch = try Data(contentsOf: PrepProcess.fixture("onnx/crnn_torch_opset11.onnx"))
        let cut = root.appendingPathComponent("cut.onnx")
        try torch.prefix(torch.count / 3).write(to: cut)
        var r = try PrepProcess.run(["infer", "recog", "--onnx", cut.path, "--dict", dict, crops, "-o", out])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("cut.onnx: not an ONNX model, or truncated"), r.stderr)
        r = try PrepProcess.run(["infer", "recog", "--onnx", dict, crops, "-o", out])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("dict.txt: not an ONNX model"), r.stderr)
        // Without --dict, the PyTorch file (no metadata) gets DICT36: 37 classes ≠ 11.
        r = try PrepProcess.run(["infer", "recog", "--onnx", PrepProcess.fixture("onnx/crnn_torch_opset11.onnx").path, crops, "-o", out])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("output 'output' has 11 classes but the dictionary gives 37 classes"), r.stderr)

        let model = root.appendingPathComponent("m.onnx").path
        r = try PrepProcess.run(["export", weights, "--dict", dict, "-o", model, "--opset", "9"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("--opset must be between 11 and 22"), r.stderr)
        r = try PrepProcess.run(["export", PrepProcess.fixture("crnn-parity/expected.safetensors").path, "-o", model])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("not a checkpoint prep can export"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: model))

        // --verify with a Python that has no onnxruntime (site-packages off): says what to install.
        let python = root.appendingPathComponent("python")
        try "#!/bin/sh\nexec python3 -S \"$@\"\n".write(to: python, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: python.path)
        r = try PrepProcess.run(["export", weights, "--dict", dict, "-o", model, "--verify", "--python", python.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("lacks the Python package") && r.stderr.contains("pip install onnxruntime onnx"), r.stderr)
        r = try PrepProcess.run(["export", weights, "--dict", dict, "-o", model, "--force", "--verify", "--python", root.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("without bin/python"), r.stderr)
    }
}
