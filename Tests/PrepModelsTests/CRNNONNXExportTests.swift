import Foundation
import XCTest
import PrepNN
import PrepONNX
@testable import PrepModels

/// `prep export`'s library side: the CRNN graph, its round trip through prep's own interpreter
/// (≤ 1e-5 against the engine's forward), gate reordering, metadata and declared shapes.
final class CRNNONNXExportTests: XCTestCase {
    override func setUp() { Threads.set(2) }

    /// A tiny CRNN with non-trivial BatchNorm statistics (so a BN mistake shows).
    func export(seed: UInt64 = 7) throws -> CRNNONNXExport {
        let net = CRNNRecognizer(config: try CRNNRecognizer.config(model: "crnn-tiny", classes: 11, channels: 1), seed: seed)
        var rng = RNG(seed: seed + 1)
        for bn in net.model.backbone.norms.values {
            for i in 0..<bn.channels {
                bn.runningMean[i] = rng.uniform(-0.2, 0.2)
                bn.runningVar[i] = rng.uniform(0.5, 2)
                bn.bias.value[i] = rng.uniform(-0.3, 0.3)
            }
        }
        let charset = try Charset(characters: Array("0123456789".unicodeScalars))
        return CRNNONNXExport(network: net, charset: charset, spec: RecogInputSpec(width: 64))
    }

    func roundTrip(_ e: CRNNONNXExport, _ options: ONNXExportOptions) throws -> Float {
        let data = try e.onnxModel(options).serializedData()
        let m = try ONNXInterpreter(model: ONNXModelFile.parse(data, source: "rt.onnx"), source: "rt.onnx")
        var worst: Float = 0
        for x in e.verificationInputs(options) {
            guard case .float(let y)? = try m.run(["input": .float(x)])["output"] else { XCTFail("no output"); return .infinity }
            let ref = e.referenceOutput(x)
            XCTAssertEqual(y.shape, ref.shape)
            for i in 0..<y.count { worst = max(worst, abs(y[i] - ref.values[i])) }
        }
        return worst
    }

    func testRoundTripThroughPrepsInterpreterMatchesTheForward() throws {
        let e = try export()
        for opset in [11, 13, 17, 22] {
            for (db, dw) in [(false, false), (true, true), (true, false)] {
                let o = ONNXExportOptions(opset: opset, dynamicBatch: db, dynamicWidth: dw, batch: 2)
                XCTAssertLessThanOrEqual(try roundTrip(e, o), 1e-5, "opset \(opset) dynamic batch \(db) width \(dw)")
            }
        }
    }

    func testGraphLayoutNamesAndDynamicAxes() throws {
        let e = try export()
        let m = try e.onnxModel(ONNXExportOptions(dynamicBatch: true, dynamicWidth: true))
        XCTAssertEqual(m.opsetImport.map(\.version), [17])
        XCTAssertEqual(m.irVersion, 8)
        XCTAssertEqual(m.graph.input.map(\.name), ["input"])
        XCTAssertEqual(m.graph.output.map(\.name), ["output"])
        let interp = try ONNXInterpreter(model: m, source: "m")
        XCTAssertEqual(interp.inputs[0].dims, [.named("batch"), .fixed(1), .fixed(32), .named("width")])
        XCTAssertEqual(interp.outputs[0].dims, [.named("batch"), .named("seq_len"), .fixed(11)])
        XCTAssertEqual(interp.operators, ["Conv", "Relu", "MaxPool", "BatchNormalization", "Squeeze", "Transpose", "LSTM", "Reshape", "MatMul", "Add"])
        // Weights keep their state-dict names; no initializer is a graph input.
        let names = Set(m.graph.initializer.map(\.name))
        for n in ["backbone.cnn.conv0.weight", "backbone.cnn.batchnorm6.running_var", "decoder.decoder.1.rnn.W", "decoder.decoder.1.embedding.bias"] {
            XCTAssertTrue(names.contains(n), n)
        }
        let bn = m.graph.node.first { $0.opType == "BatchNormalization" }!
        XCTAssertEqual(bn.attribute.first { $0.name == "momentum" }!.f, 0.9, accuracy: 1e-7)  // 1 − PyTorch's 0.1
        let fixed = try ONNXInterpreter(model: e.onnxModel(ONNXExportOptions(batch: 4, width: 48)), source: "f")
        XCTAssertEqual(fixed.inputs[0].dims, [.fixed(4), .fixed(1), .fixed(32), .fixed(48)])
        XCTAssertEqual(fixed.outputs[0].dims, [.fixed(4), .fixed(13), .fixed(11)])
    }

    func testMetadataCarriesDictionaryNormalisationAndConfig() throws {
        let e = try export()
        let meta = Dictionary(uniqueKeysWithValues: try e.onnxModel(ONNXExportOptions()).metadataProps.map { ($0.key, $0.value) })
        XCTAssertEqual(Set(meta.keys), Set(CRNNONNXExport.metadataKeys))
        XCTAssertEqual(meta["charset"], "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n")
        XCTAssertEqual(meta["mean"], "127.0")
        XCTAssertEqual(meta["std"], "127.0")
        XCTAssertEqual(RecogModelMetadata.inputSpec(meta, channels: 1), RecogInputSpec(width: 64))
        XCTAssertEqual(try RecogModelMetadata.charset(meta, dict: nil, source: "m").characters.count, 10)
        let cfg = try JSONDecoder().decode(CRNNConfig.self, from: Data(meta["model_config"]!.utf8))
        XCTAssertEqual(cfg, e.network.model.config)
    }

    /// PyTorch's [i; f; g; o] rows become ONNX's [i; o; f; c] (lean-core.md §6.3).
    func testLSTMGateReorder() {
        let h = 2
        let rows: [Float] = (0..<(4 * h)).map(Float.init)  // i: 0,1  f: 2,3  g: 4,5  o: 6,7
        XCTAssertEqual(CRNNONNXExport.onnxGateOrder(rows, hidden: h), [0, 1, 6, 7, 2, 3, 4, 5])
    }

    func testExportIsDeterministic() throws {
        let e = try export()
        let o = ONNXExportOptions(dynamicBatch: true)
        XCTAssertEqual(try e.onnxModel(o).serializedData(), try e.onnxModel(o).serializedData())
    }

    /// A graph with a fixed batch of 2 and width 64 runs a batch of 3 (cut into 2 + 1, padded):
    /// the same logits as the engine's recognizer, and the recipe's width is the graph's.
    func testONNXRecognizerCutsAndPadsToAFixedBatch() throws {
        let e = try export()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prep-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("fixed.onnx").path
        try ONNXModelFile.write(try e.onnxModel(ONNXExportOptions(batch: 2, width: 64)), to: path)
        let rec = try ONNXRecognizer(path: path)
        XCTAssertEqual(rec.fixedBatch, 2)
        XCTAssertEqual(rec.spec.width, 64)
        XCTAssertEqual(rec.classCount, 11)
        XCTAssertEqual(rec.sequenceLength(inputWidth: 64), 17)
        var rng = RNG(seed: 3)
        let images = (0..<(3 * 32 * 64)).map { _ in rng.uniform(-1, 1) }
        let batch = RecogBatch(number: 0, images: images, count: 3, channels: 1, height: 32, width: 64, targets: [],
                               targetLengths: [], validRatios: [1, 1, 1], indices: [0, 1, 2], names: [], texts: [], failures: [])
        let got = rec.forward(batch), want = e.network.forward(batch)
        XCTAssertNil(rec.failure)
        XCTAssertEqual(got.count, want.count)
        XCTAssertLessThanOrEqual(zip(got, want).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }, 1e-5)
    }
}
