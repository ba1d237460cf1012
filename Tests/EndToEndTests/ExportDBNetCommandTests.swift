import Foundation
import XCTest
import PrepCore

/// `prep export` of a DBNet and `prep infer det --onnx` through the real binary: a small DBNet
/// trained one step, exported with dynamic axes, gives the checkpoint's detections; a PyTorch
/// export (fixtures/onnx-dbnet) runs; wrong models and sizes are clear errors (exit 1). ONNX
/// Runtime itself is exercised by scripts/check-onnx.sh.
final class ExportDBNetCommandTests: XCTestCase {
    func pages(_ root: URL) throws -> URL { try DetTestPages.write(root, count: 2) }

    /// Per page: all polygons (flattened) and scores of an mmocr1 prediction file.
    func instances(_ path: String) throws -> [(polygon: [Double], score: Double)] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        return (json["data_list"] as! [[String: Any]]).map { page in
            let inst = page["instances"] as! [[String: Any]]
            return (inst.flatMap { $0["polygon"] as! [Double] }, inst.reduce(0) { $0 + ($1["score"] as! Double) })
        }
    }

    func testExportedDBNetDetectsAsTheCheckpoint() throws {
        let root = try PrepProcess.tempDir(self)
        let ann = try pages(root)
        let run = root.appendingPathComponent("run").path
        var r = try PrepProcess.run(["train", "det", "--train", ann.path, "-o", run, "--model", "small", "--crop", "64", "--steps", "1",
                                     "--batch", "2", "--no-augment", "--nproc", "2", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        let model = root.appendingPathComponent("db.onnx").path
        r = try PrepProcess.run(["export", run + "/last.safetensors", "-o", model, "--dynamic-batch", "--dynamic-height", "--dynamic-width",
                                 "--height", "64", "--width", "96", "--nproc", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("DBNet → \(model) (opset 17, batch dynamic, height dynamic, width dynamic)"), r.stdout)
        let ckpt = root.appendingPathComponent("ckpt.json").path, onnx = root.appendingPathComponent("onnx.json").path
        let common = ["--scale", "96,64", "--min-score", "0", "--nproc", "2"]
        r = try PrepProcess.run(["infer", "det", run + "/last.safetensors", ann.path, "-o", ckpt] + common)
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try PrepProcess.run(["infer", "det", "--onnx", model, ann.path, "-o", onnx] + common)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("run by prep's interpreter (ops: Conv, BatchNormalization, Relu, MaxPool, Add, Resize, Concat, ConvTranspose, Squeeze, Sigmoid)"), r.stdout)
        // The same regions; scores (means of the map) agree to float rounding (BN as x·a + b in the interpreter).
        let a = try instances(ckpt), b = try instances(onnx)
        XCTAssertEqual(a.count, 2)
        XCTAssertEqual(a.map(\.polygon), b.map(\.polygon))
        for (x, y) in zip(a, b) { XCTAssertEqual(x.score, y.score, accuracy: 1e-6) }

        // A fixed 32 × 32 export cannot take a 96 × 64 page: exit 1 naming the input tensor.
        let small = root.appendingPathComponent("fixed.onnx").path
        r = try PrepProcess.run(["export", run + "/last.safetensors", "-o", small, "--height", "32", "--width", "32"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try PrepProcess.run(["infer", "det", "--onnx", small, ann.path, "-o", root.appendingPathComponent("fixed.json").path] + common)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("input 'input'") && r.stderr.contains("fixed size 32×32"), r.stderr)
        // A DBNet given to infer recog.
        r = try PrepProcess.run(["infer", "recog", "--onnx", model, ann.path, "-o", root.appendingPathComponent("r.jsonl").path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("is a DBNet") && r.stderr.contains("prep infer det --onnx"), r.stderr)
    }

    func testPyTorchExportRunsAndWrongModelsAreErrors() throws {
        let root = try PrepProcess.tempDir(self)
        let ann = try pages(root)
        let out = root.appendingPathComponent("p.json").path
        var r = try PrepProcess.run(["infer", "det", "--onnx", PrepProcess.fixture("onnx-dbnet/dbnet_torch_opset11.onnx").path, ann.path,
                                     "-o", out, "--scale", "96,64"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("pytorch 2.0.1, opset 11"), r.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out))
        // A CRNN exported by prep (metadata says so) and one exported by PyTorch (no metadata).
        let crnn = root.appendingPathComponent("crnn.onnx").path
        r = try PrepProcess.run(["export", PrepProcess.fixture("crnn-parity/weights.safetensors").path, "--dict",
                                 PrepProcess.fixture("onnx/dict.txt").path, "-o", crnn])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try PrepProcess.run(["infer", "det", "--onnx", crnn, ann.path, "-o", out])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("crnn.onnx: the model is a CRNN") && r.stderr.contains("prep infer recog --onnx"), r.stderr)
        r = try PrepProcess.run(["infer", "det", "--onnx", PrepProcess.fixture("onnx/crnn_torch_opset11.onnx").path, ann.path, "-o", out])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("input 'input'") && r.stderr.contains("(N, 3, H, W)"), r.stderr)
        // --dynamic-height is for DBNet.
        r = try PrepProcess.run(["export", PrepProcess.fixture("crnn-parity/weights.safetensors").path, "--dict",
                                 PrepProcess.fixture("onnx/dict.txt").path, "-o", root.appendingPathComponent("c2.onnx").path, "--dynamic-height"])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("--dynamic-height are for DBNet"), r.stderr)
    }
}
