import XCTest
@testable import PrepPipeline

/// The listing `prep validate` keeps (the first `keep` per kind, in key order) is the same
/// whether one run found everything or shards each kept their own first `keep` and the merge
/// joined them: what makes a sharded report with thousands of findings equal the unsharded one.
final class AnomalyListTests: XCTestCase {
    private func anomaly(_ i: Int, _ kind: AnomalyKind) -> KeyedAnomaly {
        KeyedAnomaly(key: AnomalyKey(file: i % 3, line: (i * 7919) % 101, offset: 0, record: i, phase: 0, seq: i),
                     anomaly: Anomaly(kind, split: "s", at: RecordPosition(file: "f\(i % 3)", item: "\(i)"), "m\(i)"))
    }

    func testShardListsJoinToTheSingleRunListing() {
        let all = (0..<5000).map { anomaly($0, $0 % 4 == 0 ? .emptyText : .zeroArea) }
        var one = AnomalyList(keep: 10)
        for a in all.shuffled() { one.add(a) }
        let expected = all.sorted { $0.key < $1.key }
        let listed = one.listed()
        XCTAssertEqual(listed.map(\.key.seq), (expected.filter { $0.anomaly.kind == .emptyText }.prefix(10) + expected.filter { $0.anomaly.kind == .zeroArea }.prefix(10)).sorted { $0.key < $1.key }.map(\.key.seq))
        XCTAssertEqual(one.counts[.emptyText], 1250)
        // Three shards, each keeping its own first ten per kind, joined.
        var parts = [AnomalyList](repeating: AnomalyList(keep: 10), count: 3)
        for a in all { parts[a.key.record % 3].add(a) }
        var joined = AnomalyList(keep: 10)
        for p in parts {
            for (k, n) in p.counts { joined.count(k, n) }
            for a in p.listed() { joined.add(a, counted: false) }
        }
        XCTAssertEqual(joined.listed().map(\.key.seq), listed.map(\.key.seq))
        XCTAssertEqual(joined.counts, one.counts)
    }
}
