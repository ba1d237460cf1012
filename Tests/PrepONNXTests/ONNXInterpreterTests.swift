import Foundation
import XCTest
import PrepNN
@testable import PrepONNX

/// The interpreter on a CRNN exported by PyTorch's own torch.onnx.export (fixtures/onnx, written
/// by scripts/make_onnx_fixture.py with torch 2.0.1 as MMOCR's pytorch2onnx.py calls it), and
/// its errors on bad files and graphs.
final class ONNXInterpreterTests: XCTestCase {
    override func setUp() { Threads.set(2) }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/onnx")
    static let torchModel = fixtures.appendingPathComponent("crnn_torch_opset11.onnx").path

    func expected() throws -> [String: TensorData] {
        try SafeTensors.read(path: Self.fixtures.appendingPathComponent("expected.safetensors").path).tensors
    }

    func maxDiff(_ a: Tensor, _ b: [Float]) -> Float {
        zip(a.values, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    func testPyTorchExportRunsWithPyTorchsOutputs() throws {
        let m = try ONNXInterpreter(contentsOf: Self.torchModel)
        XCTAssertEqual(m.opset, 11)
        XCTAssertEqual(m.inputs.map(\.name), ["input"])
        XCTAssertEqual(m.inputs[0].dims, [.named("batch"), .fixed(1), .fixed(32), .named("width")])
        // PyTorch's graph: BN folded into Conv, LSTM states from shape glue, Linear as Gemm.
        for op in ["Conv", "Relu", "MaxPool", "LSTM", "Gemm", "Transpose", "Reshape", "Squeeze", "Unsqueeze", "Concat",
                   "Gather", "Shape", "ConstantOfShape", "Constant", "Mul"] {
            XCTAssertTrue(m.operators.contains(op), op)
        }
        let e = try expected()
        for tag in ["a", "b"] {
            let x = e["input_" + tag]!, y = e["output_" + tag]!
            let out = try m.run(["input": .float(Tensor(shape: x.shape, values: x.floats!))])["output"]!
            guard case .float(let t) = out else { return XCTFail("output is not float") }
            XCTAssertEqual(t.shape, y.shape)
            XCTAssertLessThanOrEqual(maxDiff(t, y.floats!), 1e-4, "input \(x.shape)")
        }
    }

    func model() throws -> Onnx_ModelProto { try ONNXModelFile.read(Self.torchModel) }

    func assertError(_ body: () throws -> Void, contains parts: [String], line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) { e in
            let text = "\(e)"
            XCTAssertTrue(e is ONNXError, text, line: line)
            for p in parts { XCTAssertTrue(text.contains(p), "\(text) lacks \(p)", line: line) }
        }
    }

    func testTruncatedAndForeignFilesAreClearErrors() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.torchModel))
        for cut in [data.count / 2, data.count - 7, 40] {
            assertError({ _ = try ONNXInterpreter(model: ONNXModelFile.parse(data.prefix(cut), source: "cut.onnx"), source: "cut.onnx") },
                        contains: ["cut.onnx"])
        }
        assertError({ _ = try ONNXModelFile.parse(Data("{\"not\": \"onnx\"}\n".utf8), source: "x.json") }, contains: ["x.json", "not an ONNX model"])
        assertError({ _ = try ONNXModelFile.parse(Data(), source: "empty.onnx") }, contains: ["empty"])
        assertError({ _ = try ONNXModelFile.read("/nonexistent/m.onnx") }, contains: ["cannot read"])
    }

    func testNewerOpsetIsRefused() throws {
        var m = try model()
        m.opsetImport[0].version = 23
        assertError({ _ = try ONNXInterpreter(model: m, source: "new.onnx") }, contains: ["new.onnx", "opset 23 is newer than prep supports"])
    }

    func testUnsupportedOperatorNamesTheNode() throws {
        var m = try model()
        let i = m.graph.node.firstIndex { $0.opType == "Relu" }!
        m.graph.node[i].opType = "Erf"
        let name = m.graph.node[i].name
        assertError({ _ = try ONNXInterpreter(model: m, source: "erf.onnx") }, contains: ["erf.onnx", "'\(name)'", "operator 'Erf' is not supported"])
        var other = try model()
        other.graph.node[0].domain = "com.microsoft"
        assertError({ _ = try ONNXInterpreter(model: other, source: "ms.onnx") }, contains: ["domain 'com.microsoft'"])
    }

    func testShapeMismatchNamesTheTensor() throws {
        let m = try ONNXInterpreter(contentsOf: Self.torchModel)
        assertError({ _ = try m.run(["input": .float(Tensor(shape: [1, 3, 32, 64]))]) }, contains: ["input 'input'", "dimension 1 must be 1"])
        assertError({ _ = try m.run(["input": .float(Tensor(shape: [1, 32, 64]))]) }, contains: ["input 'input'", "has shape [1, 32, 64]"])
        assertError({ _ = try m.run([:]) }, contains: ["input 'input'", "is not given"])
    }

    func testAWeightOfTheWrongShapeNamesTheNode() throws {
        var m = try model()
        let conv = m.graph.node.first { $0.opType == "Conv" }!
        let w = m.graph.initializer.firstIndex { $0.name == conv.input[1] }!
        m.graph.initializer[w].dims[0] += 1  // raw_data no longer fits the shape
        assertError({ _ = try ONNXInterpreter(model: m, source: "w.onnx") }, contains: ["initializer '\(conv.input[1])'", "raw_data"])
    }

    /// The shape-glue ops on a hand-built graph, values worked out by hand.
    func testShapeGlueOperators() throws {
        let b = ONNXGraphBuilder(name: "g", opset: 13)
        b.input("x", dims: [.named("n"), .fixed(2), .fixed(3)])
        let shape = b.op("Shape", name: "shape", ["x"])                                            // [n, 2, 3]
        let n = b.op("Gather", name: "gather", [shape, b.initializer("zero", ints: [0])])          // [n]
        let newShape = b.op("Concat", name: "concat", [n, b.initializer("rest", ints: [-1])], [ONNXAttribute.int("axis", 0)])
        let flat = b.op("Reshape", name: "reshape", ["x", newShape])                              // (n, 6)
        let sliced = b.op("Slice", name: "slice", [flat, b.initializer("s", ints: [1]), b.initializer("e", ints: [100]),
                                                    b.initializer("a", ints: [1]), b.initializer("st", ints: [2])])  // cols 1,3,5
        let t = b.op("Transpose", name: "t", [sliced])                                            // (3, n)
        let u = b.op("Unsqueeze", name: "u", [t, b.initializer("ax", ints: [0])])                 // (1, 3, n)
        let scaled = b.op("Mul", name: "mul", [u, b.initializer("two", shape: [1], floats: [2])])
        b.node("Squeeze", name: "sq", inputs: [scaled, b.initializer("ax0", ints: [0])], outputs: ["y"])
        b.node("ConstantOfShape", name: "zeros", inputs: [shape], outputs: ["z"])
        b.output("y", dims: [.fixed(3), .named("n")])
        b.output("z", dims: [.named("n"), .fixed(2), .fixed(3)])
        let m = try ONNXInterpreter(model: b.model(producer: "test", version: "0", metadata: [:]), source: "glue")
        let x = Tensor(shape: [2, 2, 3], values: (0..<12).map(Float.init))
        let out = try m.run(["x": .float(x)])
        XCTAssertEqual(out["y"]!.shape, [3, 2])
        XCTAssertEqual(out["y"]!.floats, [2, 14, 6, 18, 10, 22])
        XCTAssertEqual(out["z"]!.shape, [2, 2, 3])
        XCTAssertEqual(out["z"]!.floats, Array(repeating: 0, count: 12))
    }

    func testBroadcastingAndGemm() throws {
        let b = ONNXGraphBuilder(name: "g", opset: 17)
        b.input("a", dims: [.fixed(2), .fixed(3)])
        let g = b.op("Gemm", name: "gemm", ["a", b.initializer("w", shape: [4, 3], floats: (0..<12).map(Float.init)),
                                          b.initializer("c", shape: [4], floats: [1, 2, 3, 4])], [ONNXAttribute.int("transB", 1)])
        b.node("Add", name: "add", inputs: [g, b.initializer("col", shape: [2, 1], floats: [10, 20])], outputs: ["y"])
        b.output("y", dims: [.fixed(2), .fixed(4)])
        let m = try ONNXInterpreter(model: b.model(producer: "t", version: "0", metadata: [:]), source: "gemm")
        let y = try m.run(["a": .float(Tensor(shape: [2, 3], values: [1, 0, 0, 0, 1, 1]))])["y"]!
        // row 0 = w[:,0] + c + 10, row 1 = w[:,1] + w[:,2] + c + 20
        XCTAssertEqual(y.floats, [11, 15, 19, 23, 24, 31, 38, 45])
    }

    /// Relu rewrites its input only when nothing else reads it (never a graph input).
    func testReluInPlaceOnlyOnValuesNoOneElseReads() throws {
        let b = ONNXGraphBuilder(name: "g", opset: 17)
        b.input("x", dims: [.fixed(4)])
        let a = b.op("Add", name: "add", ["x", b.initializer("one", shape: [1], floats: [1])])
        b.node("Relu", name: "relu_shared", inputs: [a], outputs: ["r"])
        b.node("Mul", name: "mul", inputs: [a, b.initializer("two", shape: [1], floats: [2])], outputs: ["m"])
        b.node("Relu", name: "relu_input", inputs: ["x"], outputs: ["rx"])
        let own = b.op("Sub", name: "sub", ["x", b.initializer("three", shape: [1], floats: [3])])
        b.node("Relu", name: "relu_own", inputs: [own], outputs: ["ro"])
        for o in ["r", "m", "rx", "ro"] { b.output(o, dims: [.fixed(4)]) }
        let m = try ONNXInterpreter(model: b.model(producer: "t", version: "0", metadata: [:]), source: "relu")
        let x = Tensor(shape: [4], values: [-3, -1, 0, 5])
        let out = try m.run(["x": .float(x)])
        XCTAssertEqual(out["r"]!.floats, [0, 0, 1, 6])
        XCTAssertEqual(out["m"]!.floats, [-4, 0, 2, 12])
        XCTAssertEqual(out["rx"]!.floats, [0, 0, 0, 5])
        XCTAssertEqual(out["ro"]!.floats, [0, 0, 0, 2])
        XCTAssertEqual(x.values, [-3, -1, 0, 5])
    }
}
