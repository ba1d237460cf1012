import XCTest
import PrepCore
import PrepNN
@testable import PrepModels

/// The training loop on the rec-toy LMDB (10 real word crops) with the tiny CRNN: the loss
/// falls, a run stopped and resumed ends with the same weights bit for bit, NaN and bad
/// checkpoints are clear errors. Each test takes a second or two.
final class RecogTrainerTests: XCTestCase {
    func config(steps: Int) -> RecogTrainConfig {
        var c = RecogTrainConfig(train: [RecogTestData.fixture("lmdb/rec-toy/imgs.lmdb").path])
        c.model = "crnn-tiny"
        c.steps = steps; c.epochs = nil
        c.batchSize = 4
        c.learningRate = 3e-3
        c.schedule = "cosine"
        c.augment = RecogAugment(probability: 0.5)
        c.seed = 5
        c.workers = 2
        return c
    }

    func trainer(_ c: RecogTrainConfig, folder: URL, network: RecogNetwork? = nil, validate: Bool = true) throws -> RecogTrainer {
        var opener = RecogDataSources()
        let source = try opener.open(c.train[0])
        let charset = try Charset.fromLabels((0..<source.count).map { source.item(at: $0).text })
        let net = try network ?? CRNNRecognizer.forTraining(c, charset: charset)
        let labels = RecogLabelSet(source: source, charset: charset, sequenceLength: net.sequenceLength(inputWidth: c.input.width))
        let run = RecogRunFolder(url: folder)
        try run.prepare()
        return RecogTrainer(config: c, folder: run, charset: charset, network: net, train: source, labels: labels, val: validate ? source : nil)
    }

    func testLossFallsOnATinyRun() throws {
        let dir = try RecogTestData.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        var c = config(steps: 30)
        c.augment = nil
        c.schedule = "constant"
        let t = try trainer(c, folder: dir, validate: false)
        var losses: [Double] = []
        t.onTick = { losses.append($0.loss) }
        let s = try t.run(from: .init())
        XCTAssertEqual(s.outcome, .finished)
        XCTAssertEqual(s.position.step, 30)
        XCTAssertEqual(s.position.epoch, 10)  // 10 samples, batches of 4 → 3 per epoch
        let first = losses.prefix(5).reduce(0, +) / 5, last = losses.suffix(5).reduce(0, +) / 5
        XCTAssertLessThan(last, first * 0.7, "loss \(first) → \(last)")
        for f in [t.folder.last, t.folder.best, t.folder.state, t.folder.metrics, t.folder.lossCurve] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: f.path), f.lastPathComponent)
        }
        // The weights carry the PyTorch CRNN's names and the run's charset.
        let w = try SafeTensors.read(path: t.folder.last.path)
        XCTAssertEqual(w.tensors["decoder.decoder.1.embedding.weight"]?.shape, [t.charset.classCount, 64])
        XCTAssertEqual(w.tensors["backbone.cnn.batchnorm2.num_batches_tracked"]?.dtype, "I64")
        XCTAssertEqual(w.metadata["charset"], t.charset.dictionaryFile)
    }

    func testResumeContinuesBitForBit() throws {
        var c = config(steps: 7)
        c.valEvery = 2  // mid-epoch validations and saves must not change the run either
        try assertResumeContinuesBitForBit(c)
    }

    /// Width buckets: the bucketed order and per-batch widths are rebuilt the same on resume.
    func testResumeWithWidthBucketsContinuesBitForBit() throws {
        var c = config(steps: 7)
        c.valEvery = 2
        c.input = RecogInputSpec(width: 192, keepRatio: true, widthBuckets: true)
        try assertResumeContinuesBitForBit(c)
    }

    func assertResumeContinuesBitForBit(_ c: RecogTrainConfig) throws {
        let a = try RecogTestData.scratch("resumeA"), b = try RecogTestData.scratch("resumeB")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        _ = try trainer(c, folder: a).run(from: .init())
        // Stop after 4 steps (mid-epoch: batch 2 of epoch 2), then resume in a fresh network.
        let first = try trainer(c, folder: b)
        let stopped = try first.run(from: .init(), stopAfterStep: 4)
        XCTAssertEqual(stopped.outcome, .interrupted)
        XCTAssertEqual([stopped.position.epoch, stopped.position.batch], [1, 1])
        let (pos, saved) = try RecogTrainer.resumePoint(RecogRunFolder(url: b))
        XCTAssertEqual(saved, c)
        XCTAssertEqual(pos, stopped.position)
        let second = try trainer(saved, folder: b)
        let net = second.network as! CRNNRecognizer
        try net.loadWeights(from: second.folder.last)
        try net.loadOptimizer(from: second.folder.state)
        let done = try second.run(from: pos)
        XCTAssertEqual(done.position.step, 7)
        let wa = try SafeTensors.read(path: RecogRunFolder(url: a).last.path).tensors
        let wb = try SafeTensors.read(path: RecogRunFolder(url: b).last.path).tensors
        XCTAssertEqual(wa.keys.sorted(), wb.keys.sorted())
        for k in wa.keys { XCTAssertEqual(wa[k], wb[k], k) }
        let sa = try SafeTensors.read(path: RecogRunFolder(url: a).state.path).tensors
        let sb = try SafeTensors.read(path: RecogRunFolder(url: b).state.path).tensors
        for k in sa.keys { XCTAssertEqual(sa[k], sb[k], k) }
        // The metrics log reads as one run: steps 1…7 once each, same losses.
        func losses(_ d: URL) throws -> [String] {
            try String(contentsOf: RecogRunFolder(url: d).metrics, encoding: .utf8).split(separator: "\n")
                .filter { !$0.contains("\"val\"") }.map { String($0.split(separator: ",").prefix(3).joined(separator: ",")) }
        }
        XCTAssertEqual(try losses(a), try losses(b))
    }

    func testNaNLossStopsNamingStepAndSamples() throws {
        let dir = try RecogTestData.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        final class NaNNetwork: RecogNetwork {
            var classCount: Int { 11 }
            func sequenceLength(inputWidth: Int) -> Int { 26 }
            func setTraining(_ training: Bool) {}
            func forward(_ batch: RecogBatch) -> [Float] { [Float](repeating: 0, count: batch.count * 26 * 11) }
            var calls = 0
            func loss(targets: [[Int]], backward: Bool) -> (mean: Float, perSample: [Float]) {
                calls += 1
                return (calls == 2 ? .nan : 1, targets.map { _ in 1 })
            }
            func update(learningRate: Float, clipNorm: Float?) -> Float { 0 }
            func saveWeights(to url: URL, metadata: [String: String]) throws { try Data([1]).write(to: url) }
            func saveOptimizer(to url: URL, metadata: [String: String]) throws {}
            func loadWeights(from url: URL) throws -> [String: String] { [:] }
            func loadOptimizer(from url: URL) throws -> [String: String] { [:] }
        }
        var c = config(steps: 5)
        c.dictionary = "labels"
        var opener = RecogDataSources()
        let source = try opener.open(c.train[0])
        let charset = try Charset(characters: Array("0123456789".unicodeScalars))
        // Labels outside this charset would all be skipped: relabel through a list source.
        let items = (0..<source.count).map { RecogItem(name: "s\($0)", text: String($0), location: "l:\($0)") }
        let list = ListRecogSource(origin: "list", items: items) { try source.imageBytes(at: $0) }
        let labels = RecogLabelSet(source: list, charset: charset, sequenceLength: 26)
        let t = RecogTrainer(config: c, folder: RecogRunFolder(url: dir), charset: charset, network: NaNNetwork(),
                             train: list, labels: labels, val: nil)
        XCTAssertThrowsError(try t.run(from: .init())) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("the loss became nan at step 2"), m)
            XCTAssertTrue(m.contains("samples s"), m)
            XCTAssertTrue(m.contains("nan-step-2.safetensors"), m)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("nan-step-2.safetensors").path))
    }

    func testCheckpointOfAnotherCharsetOrCorruptIsNamed() throws {
        let dir = try RecogTestData.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cfg = try CRNNRecognizer.config(model: "crnn-tiny", classes: 11, channels: 1)
        let net = CRNNRecognizer(config: cfg, seed: 1)
        let file = dir.appendingPathComponent("w.safetensors")
        try net.saveWeights(to: file, metadata: [:])
        // Loaded as it is: the shape comes from the tensors.
        let (back, _) = try CRNNRecognizer.load(checkpoint: file)
        XCTAssertEqual(back.classCount, 11)
        XCTAssertEqual(back.model.config.batchNorms, CRNNConfig.mmocrBatchNorms)
        // A BatchNorm after every conv is read from the tensors too.
        let bn = CRNNRecognizer(config: try CRNNRecognizer.config(model: "crnn-small-bn", classes: 11, channels: 1), seed: 1)
        let bnFile = dir.appendingPathComponent("bn.safetensors")
        try bn.saveWeights(to: bnFile, metadata: [:])
        let (bnBack, _) = try CRNNRecognizer.load(checkpoint: bnFile)
        XCTAssertEqual(bnBack.model.config, bn.model.config)
        // Into a network for another charset: the mismatched tensor is named.
        let other = CRNNRecognizer(config: try CRNNRecognizer.config(model: "crnn-tiny", classes: 37, channels: 1), seed: 1)
        XCTAssertThrowsError(try other.loadWeights(from: file)) { e in
            XCTAssertTrue("\(e)".contains("decoder.decoder.1.embedding.weight"), "\(e)")
        }
        // A corrupt file and a file of something else.
        try Data([1, 2, 3, 4]).write(to: file)
        XCTAssertThrowsError(try CRNNRecognizer.load(checkpoint: file))
        try net.saveOptimizer(to: file, metadata: [:])  // no optimizer: nothing written, the garbage stays
        let bogus = dir.appendingPathComponent("b.safetensors")
        try SafeTensors.write(["x": TensorData(f32: [1], shape: [1])], to: bogus.path)
        XCTAssertThrowsError(try CRNNRecognizer.load(checkpoint: bogus)) { e in
            XCTAssertTrue("\(e)".contains("backbone.cnn.conv0.weight"), "\(e)")
        }
    }
}
