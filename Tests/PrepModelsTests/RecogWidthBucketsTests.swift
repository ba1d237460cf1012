import XCTest
import PrepCore
@testable import PrepModels

/// Width buckets (`--width-buckets`): batches of words of similar width, each padded only to
/// its widest word; the epoch order stays a seeded permutation; prediction sorts by width and
/// gives its outputs back in source order.
final class RecogWidthBucketsTests: XCTestCase {
    func testPaddedWidthIsTheKeepRatioWidthRaisedForTheLabelAndClamped() {
        let spec = RecogInputSpec(width: 256, keepRatio: true)
        // 100×32: ⌈100⌉ = 100 → round(100 / 16) · 16 = 96 (MMOCR's rounding).
        XCTAssertEqual(RecogWidthBuckets.paddedWidth(imageWidth: 100, imageHeight: 32, targetLength: [1, 2, 3], spec: spec), 96)
        // Twice as high: 50 → round(3.125) · 16 = 48.
        XCTAssertEqual(RecogWidthBuckets.paddedWidth(imageWidth: 100, imageHeight: 64, targetLength: [1], spec: spec), 48)
        // A 30-character label needs T = 30 steps: W ≥ 29 · 4 = 116, up to a multiple of 16.
        let long = (0..<30).map { Int32($0 % 7 + 1) }
        XCTAssertEqual(RecogWidthBuckets.paddedWidth(imageWidth: 100, imageHeight: 32, targetLength: long, spec: spec), 128)
        // Never above the spec's width, never below its minimum.
        XCTAssertEqual(RecogWidthBuckets.paddedWidth(imageWidth: 900, imageHeight: 32, targetLength: [1], spec: spec), 256)
        XCTAssertEqual(RecogWidthBuckets.paddedWidth(imageWidth: 4, imageHeight: 32, targetLength: [1], spec: spec), 32)
    }

    func testOrderIsAPermutationOfSortedPoolsCutIntoBatches() {
        var rng = RecogRandom(seed: 9)
        let widths = (0..<203).map { _ in 32 + 16 * rng.below(15) }
        var buckets = RecogWidthBuckets(widths: widths)
        buckets.poolBatches = 4
        let base = RecogBatchLoader.order(count: widths.count, seed: 1, epoch: 0, shuffle: true)
        var r1 = RecogRandom(seed: 2), r2 = RecogRandom(seed: 2), r3 = RecogRandom(seed: 3)
        let order = buckets.order(base, batchSize: 8, rng: &r1)
        XCTAssertEqual(order.sorted(), Array(0..<widths.count))
        XCTAssertEqual(buckets.order(base, batchSize: 8, rng: &r2), order, "a function of its inputs")
        XCTAssertNotEqual(buckets.order(base, batchSize: 8, rng: &r3), order, "batches shuffled with the generator")
        // Each pool of 32 holds the same samples as the base order's, its batches' width ranges
        // do not overlap, and only the epoch's last batch is short.
        for p in stride(from: 0, to: base.count, by: 32) {
            let end = min(base.count, p + 32)
            XCTAssertEqual(Set(order[p..<end]), Set(base[p..<end]))
            let batches = stride(from: p, to: end, by: 8).map { order[$0..<min(end, $0 + 8)].map { widths[$0] } }
            for a in batches { for b in batches where a != b { XCTAssertTrue(a.max()! <= b.min()! || b.max()! <= a.min()!, "\(a) \(b)") } }
        }
        XCTAssertEqual(widths.count % 8, 3)
        // Padded to their widest word, bucketed batches cost less than random ones.
        func cost(_ o: [Int]) -> Int { stride(from: 0, to: o.count, by: 8).map { buckets.batchWidth(o[$0..<min(o.count, $0 + 8)]) }.reduce(0, +) }
        XCTAssertLessThan(Double(cost(order)), 0.8 * Double(cost(base)))
    }

    func testLoaderPadsEachBatchToItsWidestWord() throws {
        var opener = RecogDataSources()
        let s = try opener.open(RecogTestData.fixture("lmdb/rec-toy/imgs.lmdb").path)
        let spec = RecogInputSpec(width: 256, keepRatio: true, widthBuckets: true)
        let set = RecogLabelSet(source: s, charset: .dict36, sequenceLength: 65)
        let buckets = RecogWidthBuckets(source: s, entries: set.entries, spec: spec, workers: 2)
        var rng = RecogRandom(seed: 4)
        let order = buckets.order(Array(set.entries.indices), batchSize: 3, rng: &rng)
        let loader = RecogBatchLoader(source: s, entries: set.entries, order: order,
                                      options: .init(spec: spec, batchSize: 3, workers: 2, buckets: buckets))
        var widths: [Int] = []
        var b = 0
        while let batch = loader.next() {
            let members = order[(b * 3)..<min(order.count, b * 3 + 3)]
            XCTAssertEqual(batch.width, members.map { buckets.widths[$0] }.max())
            XCTAssertEqual(batch.images.count, batch.count * 32 * batch.width)
            // Each image's own width from its header, as the unbucketed spec computes it.
            for k in 0..<batch.count {
                let info = try ImageProbe.probe(bytes: try s.imageBytes(at: batch.indices[k]), name: batch.names[k])
                XCTAssertLessThanOrEqual(min(256, spec.keepRatioWidth(imageWidth: info.width, imageHeight: info.height)), batch.width)
            }
            widths.append(batch.width)
            b += 1
        }
        XCTAssertEqual(widths.count, 3)
        XCTAssertLessThan(widths.min()!, 256, "the fixture's words are narrower than the limit: \(widths)")
        XCTAssertNotEqual(widths.min(), widths.max(), "words of different widths: \(widths)")
    }

    func testPredictionWithBucketsKeepsSourceOrder() throws {
        var opener = RecogDataSources()
        let source = try opener.open(RecogTestData.fixture("lmdb/rec-toy/imgs.lmdb").path)
        let spec = RecogInputSpec(height: 32, width: 256, keepRatio: true, widthBuckets: true)
        let charset = try Charset(characters: Array("ab".unicodeScalars))
        let network = WidthEchoNetwork()
        let predictor = RecogPredictor(network: network, charset: charset, spec: spec, batchSize: 4, workers: 1)
        var failures: [(name: String, reason: String)] = []
        let out = predictor.run(source, withLoss: false, failures: &failures)
        XCTAssertTrue(failures.isEmpty)
        XCTAssertEqual(out.map(\.index), Array(0..<source.count))
        XCTAssertEqual(out.map(\.name), (0..<source.count).map { source.item(at: $0).name })
        XCTAssertGreaterThan(Set(network.widths).count, 1, "batches of several widths: \(network.widths)")
        XCTAssertTrue(network.widths.allSatisfy { $0 <= 256 && $0 % 16 == 0 })
    }

    func testSpecJSONOmitsBucketsUnlessSetAndOldMetadataReadsWithout() throws {
        let old = #"{"channels":1,"height":32,"keepRatio":true,"mean":127,"minWidth":32,"std":127,"width":128}"#
        let spec = try JSONDecoder().decode(RecogInputSpec.self, from: Data(old.utf8))
        XCTAssertFalse(spec.widthBuckets)
        XCTAssertEqual(RecogModelMetadata.encode(spec), old)
        var on = spec
        on.widthBuckets = true
        let json = RecogModelMetadata.encode(on)
        XCTAssertTrue(json.contains(#""widthBuckets":true"#), json)
        XCTAssertEqual(try JSONDecoder().decode(RecogInputSpec.self, from: Data(json.utf8)), on)
    }

    /// Records each batch's width; predicts blank everywhere.
    final class WidthEchoNetwork: RecogNetwork {
        var widths: [Int] = []
        var classCount: Int { 3 }
        func sequenceLength(inputWidth: Int) -> Int { inputWidth / 4 + 1 }
        func setTraining(_ training: Bool) {}
        func forward(_ batch: RecogBatch) -> [Float] {
            widths.append(batch.width)
            return [Float](repeating: 0, count: batch.count * sequenceLength(inputWidth: batch.width) * classCount)
        }
        func loss(targets: [[Int]], backward: Bool) -> (mean: Float, perSample: [Float]) { (0, targets.map { _ in 0 }) }
        func update(learningRate: Float, clipNorm: Float?) -> Float { 0 }
        func saveWeights(to url: URL, metadata: [String: String]) throws {}
        func saveOptimizer(to url: URL, metadata: [String: String]) throws {}
        func loadWeights(from url: URL) throws -> [String: String] { [:] }
        func loadOptimizer(from url: URL) throws -> [String: String] { [:] }
    }
}
