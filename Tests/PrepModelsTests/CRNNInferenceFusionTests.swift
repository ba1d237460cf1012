import XCTest
import PrepNN
import PrepONNX
@testable import PrepModels

/// Inference fusion on the CRNN: the engine's eval forward with conv → BatchNorm → ReLU as one
/// convolution equals the separate layers, and an exported graph imported with its
/// BatchNorms folded into the Convs (and the ReLUs fused) equals the graph run node by node.
extension CRNNONNXExportTests {
    func testFusedEvalForwardEqualsSeparateLayers() throws {
        let net = try export().network
        var rng = RNG(seed: 12)
        for (n, w) in [(1, 64), (5, 40)] {
            let x = Tensor(shape: [n, 1, 32, w])
            for i in 0..<x.count { x[i] = rng.uniform(-1, 1) }
            net.model.backbone.fusesInference = false
            let separate = net.model.forward(x).values
            net.model.backbone.fusesInference = true
            let fused = net.model.forward(x).values
            XCTAssertEqual(fused.count, separate.count)
            XCTAssertLessThanOrEqual(zip(fused, separate).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }, 1e-5, "batch \(n) width \(w)")
        }
    }

    func testImportFoldsBatchNormsIntoConvsAndKeepsTheOutputs() throws {
        let e = try export()
        let model = try e.onnxModel(ONNXExportOptions(dynamicBatch: true, dynamicWidth: true))
        let folded = try ONNXInterpreter(model: model, source: "m")
        let plain = try ONNXInterpreter(model: model, source: "m", fuses: false)
        let norms = model.graph.node.filter { $0.opType == "BatchNormalization" }.count
        XCTAssertGreaterThan(norms, 0)
        XCTAssertEqual(folded.foldedBatchNorms, norms)
        XCTAssertEqual(folded.fusedReLUs, model.graph.node.filter { $0.opType == "Relu" }.count)
        XCTAssertEqual(plain.foldedBatchNorms, 0)
        XCTAssertEqual(folded.operators, plain.operators)  // the file's operators, as written
        var rng = RNG(seed: 4)
        for (n, w) in [(1, 64), (3, 48)] {
            let x = Tensor(shape: [n, 1, 32, w])
            for i in 0..<x.count { x[i] = rng.uniform(-1, 1) }
            guard case .float(let a)? = try folded.run(["input": .float(x)])["output"] else { return XCTFail("no output") }
            let av = a.values
            guard case .float(let b)? = try plain.run(["input": .float(x)])["output"] else { return XCTFail("no output") }
            XCTAssertEqual(a.shape, b.shape)
            XCTAssertLessThanOrEqual(zip(av, b.values).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }, 1e-5, "batch \(n) width \(w)")
        }
    }

    /// A BatchNorm whose Conv output is also read elsewhere (here: a graph output) stays a node.
    func testBatchNormStaysWhenTheConvOutputHasAnotherReader() throws {
        var model = try export().onnxModel(ONNXExportOptions(dynamicBatch: true, dynamicWidth: true))
        let bn = model.graph.node.first { $0.opType == "BatchNormalization" }!
        var extra = Onnx_ValueInfoProto()
        extra.name = bn.input[0]
        model.graph.output.append(extra)
        let m = try ONNXInterpreter(model: model, source: "m")
        XCTAssertEqual(m.foldedBatchNorms, model.graph.node.filter { $0.opType == "BatchNormalization" }.count - 1)
        let x = Tensor(shape: [1, 1, 32, 64])
        let out = try m.run(["input": .float(x)])
        XCTAssertNotNil(out[bn.input[0]])
    }
}
