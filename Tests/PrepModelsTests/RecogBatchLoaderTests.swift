import XCTest
import PrepCore
@testable import PrepModels

final class RecogBatchLoaderTests: XCTestCase {
    func source() throws -> any RecogSampleSource {
        var opener = RecogDataSources()
        return try opener.open(RecogTestData.fixture("lmdb/rec-toy/imgs.lmdb").path)
    }

    func batches(workers: Int, seed: UInt64, augment: RecogAugment?, firstBatch: Int = 0) throws -> [RecogBatch] {
        let s = try source()
        let set = RecogLabelSet(source: s, charset: .dict36, sequenceLength: 26)
        let order = RecogBatchLoader.order(count: set.entries.count, seed: seed, epoch: 1, shuffle: true)
        let loader = RecogBatchLoader(source: s, entries: set.entries, order: order,
                                      options: .init(spec: RecogInputSpec(), augment: augment, batchSize: 3, workers: workers,
                                                     prefetch: 2, seed: seed, epoch: 1), firstBatch: firstBatch)
        var out: [RecogBatch] = []
        while let b = loader.next() { out.append(b) }
        return out
    }

    func testSameBatchesWhateverTheThreadCount() throws {
        let one = try batches(workers: 1, seed: 7, augment: RecogAugment(probability: 0.7))
        let three = try batches(workers: 3, seed: 7, augment: RecogAugment(probability: 0.7))
        XCTAssertEqual(one.count, 3)  // 9 usable labels ("03/09/2009" has '/'), batches of 3
        XCTAssertEqual(one.map(\.names), three.map(\.names))
        XCTAssertEqual(one.map(\.images), three.map(\.images))
        XCTAssertEqual(one.map(\.targets), three.map(\.targets))
        // Another seed: another order (and other augmentations).
        let other = try batches(workers: 2, seed: 8, augment: RecogAugment(probability: 0.7))
        XCTAssertNotEqual(one.map(\.names), other.map(\.names))
    }

    func testResumingMidEpochRebuildsTheSameBatches() throws {
        let all = try batches(workers: 2, seed: 3, augment: RecogAugment())
        let tail = try batches(workers: 2, seed: 3, augment: RecogAugment(), firstBatch: 1)
        XCTAssertEqual(tail.map(\.number), [1, 2])
        XCTAssertEqual(tail.map(\.images), all.dropFirst().map(\.images))
    }

    func testBatchLayoutAndTargets() throws {
        let b = try batches(workers: 1, seed: 1, augment: nil)[0]
        XCTAssertEqual(b.images.count, b.count * 32 * 100)
        XCTAssertEqual(b.targetLengths.count, b.count)
        for k in 0..<b.count {
            XCTAssertEqual(Charset.dict36.decode(b.target(k).map { Int($0) }), b.texts[k].lowercased())
        }
        XCTAssertTrue(b.images.allSatisfy { $0 >= -1.0001 && $0 <= 1.0079 })
    }

    func testUndecodableImageIsReportedNotFatal() throws {
        var opener = RecogDataSources()
        let s = try opener.open(RecogTestData.fixture("lmdb/rec-toy/broken.lmdb").path)
        let set = RecogLabelSet(source: s, charset: .dict90, sequenceLength: 26)
        let loader = RecogBatchLoader(source: s, entries: set.entries, order: Array(set.entries.indices),
                                      options: .init(spec: RecogInputSpec(), batchSize: 64))
        let b = try XCTUnwrap(loader.next())
        XCTAssertEqual(b.failures.count, 1, "\(b.failures)")
        XCTAssertEqual(b.count + b.failures.count, set.entries.count)
    }
}
