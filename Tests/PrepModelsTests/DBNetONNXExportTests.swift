import Foundation
import XCTest
import PrepNN
import PrepONNX
@testable import PrepModels

/// `prep export` for DBNet and `prep infer det --onnx`'s library side: the graph (MMDeploy's
/// layout), its round trip through prep's interpreter (≤ 1e-5 against the engine's forward),
/// metadata, the config read from a state dict, and `ONNXDetector`'s padding and errors.
final class DBNetONNXExportTests: XCTestCase {
    override func setUp() { Threads.set(2) }

    /// A tiny DBNet with non-trivial BatchNorm statistics everywhere (so a BN mistake shows).
    func export(seed: UInt64 = 5) -> DBNetONNXExport {
        let net = DBNet(DBNetConfig(name: "tiny", stageWidths: [4, 8, 8, 16], blocks: [1, 2, 1, 1], lateralChannels: 8, neckChannels: 4), seed: seed)
        var rng = RNG(seed: seed + 1)
        for bn in net.backbone.norms + [net.binarize.bn1, net.binarize.bn2] {
            for i in 0..<bn.channels {
                bn.weight.value[i] = rng.uniform(0.5, 1.5)
                bn.runningMean[i] = rng.uniform(-0.2, 0.2)
                bn.runningVar[i] = rng.uniform(0.5, 2)
                bn.bias.value[i] = rng.uniform(-0.3, 0.3)
            }
        }
        return DBNetONNXExport(network: net)
    }

    func interpreter(_ e: DBNetONNXExport, _ options: ONNXExportOptions) throws -> ONNXInterpreter {
        let data = try e.onnxModel(options).serializedData()
        return try ONNXInterpreter(model: ONNXModelFile.parse(data, source: "db.onnx"), source: "db.onnx")
    }

    func testRoundTripThroughPrepsInterpreterMatchesTheForward() throws {
        let e = export()
        for opset in [11, 13, 17, 22] {
            for (db, dh, dw) in [(false, false, false), (true, true, true), (false, false, true)] {
                let o = ONNXExportOptions(opset: opset, dynamicBatch: db, dynamicWidth: dw, width: 96, dynamicHeight: dh, height: 64)
                let m = try interpreter(e, o)
                let inputs = e.verificationInputs(o)
                XCTAssertEqual(inputs.count, db || dh || dw ? 2 : 1)
                for x in inputs {
                    guard case .float(let y)? = try m.run(["input": .float(x)])["output"] else { return XCTFail("no output") }
                    let ref = e.referenceOutput(x)
                    XCTAssertEqual(y.shape, ref.shape)
                    XCTAssertEqual(y.shape, [x.shape[0], x.shape[2], x.shape[3]])
                    var worst: Float = 0
                    for i in 0..<y.count { worst = max(worst, abs(y[i] - ref.values[i])) }
                    XCTAssertLessThanOrEqual(worst, 1e-5, "opset \(opset) input \(x.shape)")
                    // the map is not trivially constant
                    XCTAssertGreaterThan((ref.values.max() ?? 0) - (ref.values.min() ?? 0), 0.01)
                }
            }
        }
    }

    func testGraphLayoutMetadataAndDynamicAxes() throws {
        let e = export()
        let m = try e.onnxModel(ONNXExportOptions(dynamicBatch: true, dynamicWidth: true, dynamicHeight: true))
        XCTAssertEqual(m.graph.input.map(\.name), ["input"])
        XCTAssertEqual(m.graph.output.map(\.name), ["output"])
        let i = try ONNXInterpreter(model: m, source: "m")
        XCTAssertEqual(i.inputs[0].dims, [.named("batch"), .fixed(3), .named("height"), .named("width")])
        XCTAssertEqual(i.outputs[0].dims, [.named("batch"), .named("height"), .named("width")])
        XCTAssertEqual(i.operators, ["Conv", "BatchNormalization", "Relu", "MaxPool", "Add", "Resize", "Concat", "ConvTranspose", "Squeeze", "Sigmoid"])
        // Every Resize is PyTorch's F.interpolate(mode='nearest') form.
        for n in m.graph.node where n.opType == "Resize" {
            let attrs = Dictionary(uniqueKeysWithValues: n.attribute.map { ($0.name, String(decoding: $0.s, as: UTF8.self)) })
            XCTAssertEqual(attrs["mode"], "nearest")
            XCTAssertEqual(attrs["coordinate_transformation_mode"], "asymmetric")
            XCTAssertEqual(attrs["nearest_mode"], "floor")
        }
        // Only the probability branch is exported.
        XCTAssertFalse(m.graph.initializer.contains { $0.name.hasPrefix("det_head.threshold") })
        XCTAssertTrue(m.graph.initializer.contains { $0.name == "det_head.binarize.3.weight" })
        XCTAssertTrue(m.graph.initializer.contains { $0.name == "backbone.layer2.0.downsample.1.running_var" })
        let meta = Dictionary(uniqueKeysWithValues: m.metadataProps.map { ($0.key, $0.value) })
        XCTAssertEqual(Set(meta.keys), Set(DBNetONNXExport.metadataKeys))
        XCTAssertEqual(meta["model"], "DBNet")
        XCTAssertEqual(meta["mean"], "[123.675, 116.28, 103.53]")
        XCTAssertEqual(meta["std"], "[58.395, 57.12, 57.375]")
        let config = try JSONDecoder().decode(DBNetConfig.self, from: Data(meta["model_config"]!.utf8))
        XCTAssertEqual(config, e.network.config)
        let post = try JSONSerialization.jsonObject(with: Data(meta["postprocess"]!.utf8)) as! [String: Any]
        XCTAssertEqual(post["unclip_ratio"] as? Double, 1.5)
        XCTAssertEqual(post["mask_thr"] as? Double, 0.3)
        XCTAssertEqual(post["text_repr_type"] as? String, "quad")
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(meta["input"]!.utf8)) as? [String: Any])
        // Fixed export: 640 × 640 by default.
        let fixed = try interpreter(e, ONNXExportOptions())
        XCTAssertEqual(fixed.inputs[0].dims, [.fixed(1), .fixed(3), .fixed(640), .fixed(640)])
        XCTAssertThrowsError(try e.onnxModel(ONNXExportOptions(height: 100))) { XCTAssertTrue("\($0)".contains("multiples of 32"), "\($0)") }
    }

    func testASizeThatIsNoMultipleOf32NamesTheNode() throws {
        let m = try interpreter(export(), ONNXExportOptions(dynamicHeight: true))
        // 96 × 640 is fine; 80 × 640 gives 3 rows at stride 32 and 5 at 16: the FPNC's Add cannot add them.
        XCTAssertNoThrow(try m.run(["input": .float(Tensor(shape: [1, 3, 96, 640]))]))
        XCTAssertThrowsError(try m.run(["input": .float(Tensor(shape: [1, 3, 80, 640]))])) { err in
            XCTAssertTrue("\(err)".contains("node '/neck/Add_0' (Add)") && "\(err)".contains("do not broadcast"), "\(err)")
        }
        XCTAssertThrowsError(try m.run(["input": .float(Tensor(shape: [1, 3, 96, 320]))])) { err in
            XCTAssertTrue("\(err)".contains("input 'input'") && "\(err)".contains("dimension 3 must be 640"), "\(err)")
        }
    }

    func testConfigIsReadFromAStateDict() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/dbnet-parity/weights.safetensors")
        let e = try DBNetONNXExport(checkpoint: url)
        XCTAssertEqual(e.network.config.stageWidths, [4, 8, 16, 32])
        XCTAssertEqual(e.network.config.blocks, [2, 2, 2, 2])
        XCTAssertEqual(e.network.config.lateralChannels, 8)
        XCTAssertEqual(e.network.config.neckChannels, 4)
        XCTAssertEqual(e.network.config.name, "dbnet_custom")
        let small = DBNet(.small(), seed: 1)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("db-small-\(getpid()).safetensors")
        defer { try? FileManager.default.removeItem(at: file) }
        try SafeTensors.write(small.stateDict(), to: file.path)
        XCTAssertEqual(try DBNetONNXExport(checkpoint: file).network.config, .small())
        XCTAssertTrue(try ONNXCheckpoint.open(url, dict: nil) is DBNetONNXExport)
    }

    func testONNXDetectorPadsPagesIntoAFixedInputAndRefusesLargerOnes() throws {
        let e = export()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("onnxdet-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let dynamicPath = dir.appendingPathComponent("dyn.onnx").path, fixedPath = dir.appendingPathComponent("fixed.onnx").path
        try ONNXModelFile.write(e.onnxModel(ONNXExportOptions(dynamicBatch: true, dynamicWidth: true, dynamicHeight: true)), to: dynamicPath)
        try ONNXModelFile.write(e.onnxModel(ONNXExportOptions(batch: 1, width: 96, height: 64)), to: fixedPath)
        let x = e.verificationInputs(ONNXExportOptions(batch: 2, width: 64, height: 32))[0]  // (2, 3, 32, 64)
        let images = x.values
        // Dynamic: the engine's maps (≤ 1e-5), two images in one run.
        let dyn = try ONNXDetector(path: dynamicPath)
        let maps = try dyn.probabilities(images, count: 2, height: 32, width: 64)
        let ref = e.referenceOutput(x).values
        XCTAssertEqual(maps.count, 2)
        XCTAssertLessThanOrEqual(zip(maps[0] + maps[1], ref).map { abs($0 - $1) }.max()!, 1e-5)
        // Fixed 64 × 96, batch 1: each page padded with zeros (as the pipeline pads), map cropped.
        let fixed = try ONNXDetector(path: fixedPath)
        let fm = try fixed.probabilities(images, count: 2, height: 32, width: 64)
        XCTAssertEqual(fm.map(\.count), [32 * 64, 32 * 64])
        let padded = Tensor(shape: [1, 3, 64, 96])
        padded.zero()
        for c in 0..<3 { for y in 0..<32 { for u in 0..<64 { padded[(c * 64 + y) * 96 + u] = x[((1 * 3 + c) * 32 + y) * 64 + u] } } }
        let pref = e.referenceOutput(padded).values
        var worst: Float = 0
        for y in 0..<32 { for u in 0..<64 { worst = max(worst, abs(fm[1][y * 64 + u] - pref[y * 96 + u])) } }
        XCTAssertLessThanOrEqual(worst, 1e-5)
        XCTAssertThrowsError(try fixed.probabilities([Float](repeating: 0, count: 3 * 96 * 96), count: 1, height: 96, width: 96)) { err in
            XCTAssertTrue("\(err)".contains("input 'input'") && "\(err)".contains("64×96"), "\(err)")
        }
    }

    func testARecognizerIsNotADetector() throws {
        let crnn = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/onnx/crnn_torch_opset11.onnx").path
        XCTAssertThrowsError(try ONNXDetector(path: crnn)) { err in
            XCTAssertTrue("\(err)".contains("input 'input'") && "\(err)".contains("(N, 3, H, W)"), "\(err)")
        }
    }
}
