import XCTest
import PrepNN
@testable import PrepModels

/// The CRNN: PyTorch parity (fixtures/crnn-parity, written by scripts/make_crnn_fixture.py with
/// torch 2.0.1), state-dict names (lean-core §7.3), and the whole model's CTC-loss gradient
/// against finite differences.
final class CRNNTests: XCTestCase {
    override func setUp() { Threads.set(2) }

    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/crnn-parity")

    struct FixtureConfig: Decodable {
        var channels: [Int], hidden: Int, classes: Int, input_channels: Int, targets: [[Int]]
    }

    func loadFixture() throws -> (CRNN, [String: TensorData], FixtureConfig) {
        let cfg = try JSONDecoder().decode(FixtureConfig.self,
                                           from: Data(contentsOf: Self.fixture.appendingPathComponent("config.json")))
        let model = CRNN(CRNNConfig(inputChannels: cfg.input_channels, numClasses: cfg.classes,
                                    channels: cfg.channels, hidden: cfg.hidden))
        let weights = Self.fixture.appendingPathComponent("weights.safetensors").path
        try model.loadStateDict(SafeTensors.read(path: weights).tensors, source: weights)
        let expected = try SafeTensors.read(path: Self.fixture.appendingPathComponent("expected.safetensors").path).tensors
        return (model, expected, cfg)
    }

    func assertClose(_ a: [Float], _ b: [Float], _ tol: Float, _ what: String, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, line: line)
        var worst: Float = 0
        for (x, y) in zip(a, b) { worst = max(worst, abs(x - y) / max(1, abs(y))) }
        XCTAssertLessThanOrEqual(worst, tol, "\(what): worst difference \(worst)", line: line)
    }

    func testForwardParityWithPyTorchEvalAndTrain() throws {
        let (model, e, cfg) = try loadFixture()
        let xd = e["input"]!
        let x = Tensor(shape: xd.shape, values: xd.floats!)
        model.setTraining(false)
        let eval = model.forward(x)
        XCTAssertEqual(eval.shape, e["logits_eval"]!.shape)
        assertClose(eval.values, e["logits_eval"]!.floats!, 1e-4, "eval logits")

        model.setTraining(true)
        let logits = model.forward(x)
        assertClose(logits.values, e["logits_train"]!.floats!, 1e-4, "train logits")
        let r = CTCLoss().compute(logits: logits, targets: cfg.targets)
        XCTAssertEqual(r.loss, e["loss"]!.floats![0], accuracy: 1e-4)
        model.zeroGrad()
        model.backward(r.gradLogits)
        let params = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.parameter) })
        for (key, want) in e where key.hasPrefix("grad.") {
            let name = String(key.dropFirst(5))
            let got = try XCTUnwrap(params[name], name).grad.values
            let scale = max(want.floats!.map { abs($0) }.max()!, 1e-3)
            assertClose(got.map { $0 / scale }, want.floats!.map { $0 / scale }, 1e-4, "gradient of \(name)")
        }
        let state = model.stateDict()
        for (key, want) in e where key.hasPrefix("after.") {
            let name = String(key.dropFirst(6))
            if want.dtype == "I64" { XCTAssertEqual(state[name]?.int64s, want.int64s, name); continue }
            assertClose(state[name]!.floats!, want.floats!, 1e-5, "running stat \(name)")
        }
    }

    func testStateDictNamesAndShapesOfMMOCRCRNN() {
        let model = CRNN(.mmocr(numClasses: 37))
        XCTAssertEqual(model.parameterCount, 8_331_301, "lean-core §7.3")
        let dict = model.stateDict()
        XCTAssertEqual(dict["backbone.cnn.conv6.weight"]?.shape, [512, 512, 2, 2])
        XCTAssertEqual(dict["backbone.cnn.batchnorm4.running_var"]?.shape, [512])
        XCTAssertEqual(dict["backbone.cnn.batchnorm6.num_batches_tracked"]?.dtype, "I64")
        XCTAssertEqual(dict["decoder.decoder.0.rnn.weight_ih_l0_reverse"]?.shape, [1024, 512])
        XCTAssertEqual(dict["decoder.decoder.0.rnn.weight_hh_l0"]?.shape, [1024, 256])
        XCTAssertEqual(dict["decoder.decoder.0.embedding.weight"]?.shape, [256, 512])
        XCTAssertEqual(dict["decoder.decoder.1.rnn.weight_ih_l0"]?.shape, [1024, 256])
        XCTAssertEqual(dict["decoder.decoder.1.embedding.weight"]?.shape, [37, 512])
        XCTAssertEqual(dict.count, 14 + 3 * 5 + 2 * 10)
        XCTAssertEqual(CRNNConfig.sequenceLength(width: 100), 26)
        XCTAssertEqual(CRNNConfig.sequenceLength(width: 32), 9)
    }

    func testLoadingAnotherCharsetNamesTheTensor() throws {
        let (_, _, cfg) = try loadFixture()
        let other = CRNN(CRNNConfig(inputChannels: 1, numClasses: cfg.classes + 1, channels: cfg.channels, hidden: cfg.hidden))
        let path = Self.fixture.appendingPathComponent("weights.safetensors").path
        XCTAssertThrowsError(try other.loadStateDict(SafeTensors.read(path: path).tensors, source: path)) { e in
            XCTAssertEqual((e as? SafeTensorsError)?.tensor, "decoder.decoder.1.embedding.weight", "\(e)")
        }
    }

    /// One thread and two give the same logits and gradients (the work split changes, the sums
    /// per element do not, up to BLAS rounding), and the same thread count gives identical bits.
    func testThreadCountsAgreeAndRunsRepeatExactly() {
        func run(_ threads: Int) -> ([Float], [Float]) {
            Threads.set(threads)
            let model = CRNN(CRNNConfig(inputChannels: 1, numClasses: 6, channels: [4, 6, 8, 8, 12, 12, 12], hidden: 5), seed: 9)
            var rng = RNG(seed: 4)
            let x = Tensor(shape: [5, 1, 32, 24])
            for i in 0..<x.count { x[i] = rng.uniform(-1, 1) }
            let logits = model.forward(x).values
            model.backward(CTCLoss().compute(logits: model.forward(x), targets: [[1], [2, 3], [4], [5, 5], []]).gradLogits)
            return (logits, model.parameters.flatMap { $0.grad.values })
        }
        let (l1, g1) = run(1), (l2, g2) = run(2), (l2b, g2b) = run(2)
        XCTAssertEqual(l2, l2b)
        XCTAssertEqual(g2, g2b)
        for (a, b) in zip(l1, l2) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        for (a, b) in zip(g1, g2) { XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(a))) }
    }

    /// The whole model's mean CTC loss against central finite differences (train mode, BN batch
    /// statistics), on a tiny CRNN and a 2×1×32×12 input.
    func testWholeModelLossGradientMatchesFiniteDifferences() {
        checkWholeModelGradient(CRNN(CRNNConfig(inputChannels: 1, numClasses: 5, channels: [3, 4, 4, 4, 5, 5, 5], hidden: 3), seed: 3))
    }

    /// The same with a BatchNorm after every convolution (the `crnn-small-bn` layout).
    func testBatchNormAfterEveryConvGradientMatchesFiniteDifferences() {
        checkWholeModelGradient(CRNN(CRNNConfig(inputChannels: 1, numClasses: 5, channels: [3, 4, 4, 4, 5, 5, 5], hidden: 3,
                                                batchNorms: CRNNConfig.allBatchNorms), seed: 3))
    }

    /// Every conv gets `batchnormK` (PyTorch's `nn.Sequential` order: conv, batchnorm, relu, pool);
    /// MMOCR's layout keeps its names and its initial weights for a seed.
    func testBatchNormLayoutNamesAndInit() {
        let all = CRNN(CRNNConfig(numClasses: 37, channels: [32, 64, 128, 128, 256, 256, 256], hidden: 128,
                                  batchNorms: CRNNConfig.allBatchNorms), seed: 5)
        let names = all.stateEntries().map(\.name)
        for k in 0..<7 {
            let conv = names.firstIndex(of: "backbone.cnn.conv\(k).bias")!
            XCTAssertEqual(names[conv + 1], "backbone.cnn.batchnorm\(k).weight")
        }
        XCTAssertEqual(all.stateDict()["backbone.cnn.batchnorm0.running_mean"]?.shape, [32])
        let mmocr = CRNN(.small(numClasses: 37), seed: 5)
        XCTAssertNil(mmocr.stateDict()["backbone.cnn.batchnorm0.weight"])
        XCTAssertEqual(mmocr.stateDict().count + 4 * 5, all.stateDict().count)
        // The convolutions are drawn first, so both layouts start from the same conv weights.
        XCTAssertEqual(mmocr.backbone.convs[3].weight.value.values, all.backbone.convs[3].weight.value.values)
    }

    func checkWholeModelGradient(_ model: CRNN, line: UInt = #line) {
        var rng = RNG(seed: 21)
        let x = Tensor(shape: [2, 1, 32, 12])
        for i in 0..<x.count { x[i] = rng.uniform(-1, 1) }
        let targets = [[1, 2], [3]]
        let ctc = CTCLoss()
        func loss() -> Double {
            let r = ctc.compute(logits: model.forward(x), targets: targets)
            return zip(r.perSample, targets).map { $0 / Double(max($1.count, 1)) }.reduce(0, +) / 2
        }
        model.zeroGrad()
        model.backward(ctc.compute(logits: model.forward(x), targets: targets).gradLogits)
        for (name, p) in model.namedParameters() {
            let analytic = p.grad.values
            let n = p.value.count
            for i in stride(from: 0, to: n, by: max(1, n / 4)) {
                let v = p.value[i]
                p.value[i] = v + 5e-3; let lp = loss()
                p.value[i] = v - 5e-3; let lm = loss()
                p.value[i] = v
                let fd = (lp - lm) / 1e-2, an = Double(analytic[i])
                XCTAssertLessThanOrEqual(abs(fd - an), 2e-3 + 5e-2 * max(abs(fd), abs(an)), "\(name)[\(i)]: FD \(fd), analytic \(an)", line: line)
            }
        }
    }
}
