import Foundation
import XCTest
import PrepNN
@testable import PrepONNX

/// The interpreter on DBNets exported by PyTorch's own torch.onnx.export as MMDeploy exports
/// MMOCR 1.x's DBNet (fixtures/onnx-dbnet, scripts/make_dbnet_onnx_fixture.py, torch 2.0.1):
/// FPNC's nearest Resize with Shape/Slice/Concat size glue, and the bilinear variant; and the
/// errors for Resize modes prep does not run.
final class ONNXDBNetImportTests: XCTestCase {
    override func setUp() { Threads.set(2) }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/onnx-dbnet")

    func path(_ name: String) -> String { Self.fixtures.appendingPathComponent(name).path }

    func check(_ file: String, tag: String) throws {
        let m = try ONNXInterpreter(contentsOf: path(file))
        XCTAssertEqual(m.opset, 11)
        XCTAssertEqual(m.inputs[0].dims, [.named("batch"), .fixed(3), .named("height"), .named("width")])
        for op in ["Conv", "Relu", "MaxPool", "Add", "Resize", "Concat", "ConvTranspose", "BatchNormalization", "Squeeze", "Sigmoid", "Shape", "Slice"] {
            XCTAssertTrue(m.operators.contains(op), "\(file) lacks \(op)")
        }
        let e = try SafeTensors.read(path: path("expected.safetensors")).tensors
        for k in ["a", "b"] {
            let x = e["input_" + k]!, y = e["\(tag)_\(k)"]!
            guard case .float(let t)? = try m.run(["input": .float(Tensor(shape: x.shape, values: x.floats!))])["output"] else {
                return XCTFail("no float output")
            }
            XCTAssertEqual(t.shape, y.shape)
            let worst = zip(t.values, y.floats!).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
            XCTAssertLessThanOrEqual(worst, 1e-5, "\(file) input \(x.shape)")
        }
    }

    func testPyTorchDBNetExportRunsWithPyTorchsOutputs() throws {
        try check("dbnet_torch_opset11.onnx", tag: "nearest")
    }

    func testPyTorchBilinearFPNCRunsWithPyTorchsOutputs() throws {
        try check("dbnet_torch_bilinear_opset11.onnx", tag: "bilinear")
    }

    func testUnsupportedResizeModesNameTheNode() throws {
        let original = try ONNXModelFile.read(path("dbnet_torch_opset11.onnx"))
        let index = original.graph.node.firstIndex { $0.opType == "Resize" }!
        let name = original.graph.node[index].name
        for (attr, value, expect) in [("coordinate_transformation_mode", "align_corners", "'align_corners'"),
                                      ("mode", "cubic", "mode 'cubic'"),
                                      ("nearest_mode", "round_prefer_floor", "nearest_mode 'round_prefer_floor'")] {
            var m = original
            let k = m.graph.node[index].attribute.firstIndex { $0.name == attr }!
            m.graph.node[index].attribute[k].s = Data(value.utf8)
            XCTAssertThrowsError(try ONNXInterpreter(model: m, source: "bad.onnx")) { err in
                let text = "\(err)"
                XCTAssertTrue(text.contains("bad.onnx: node '\(name)' (Resize)") && text.contains(expect), text)
            }
        }
    }

    func testShapeMismatchNamesTheNode() throws {
        let m = try ONNXInterpreter(contentsOf: path("dbnet_torch_opset11.onnx"))
        // One channel instead of three: the declared input shape says so first.
        XCTAssertThrowsError(try m.run(["input": .float(Tensor(shape: [1, 1, 32, 32]))])) { err in
            XCTAssertTrue("\(err)".contains("input 'input'") && "\(err)".contains("dimension 1 must be 3"), "\(err)")
        }
    }
}
