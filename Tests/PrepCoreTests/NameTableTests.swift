import XCTest
import PrepCore

/// `NameTable` answers as the `String`s and `Set<String>`s it replaced did: byte order, ranks
/// equal to places in the sorted listing, lookups, repaired invalid UTF-8.
final class NameTableTests: XCTestCase {
    /// Seeded names over a few letters (long shared prefixes, NUL, non-ASCII, duplicates).
    private func randomNames(_ count: Int, seed: UInt64) -> [String] {
        var state = seed
        func next(_ n: UInt64) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int((state >> 33) % n) }
        let letters = ["a", "b", "\u{0}", "é", "z", "_", "0123456789abcdef"]
        return (0..<count).map { _ in (0..<next(8)).map { _ in letters[next(UInt64(letters.count))] }.joined() }
    }

    func testSortedIsByteOrderAndStable() {
        for seed in 1...20 as ClosedRange<UInt64> {
            let names = randomNames(300, seed: seed)
            let table = NameTable(names)
            let expected = Array(names.indices).sorted { a, b in
                names[a].utf8.lexicographicallyPrecedes(names[b].utf8) || (names[a] == names[b] && Array(names[a].utf8) == Array(names[b].utf8) && a < b)
            }
            XCTAssertEqual(table.sorted(Array(names.indices)), expected, "seed \(seed)")
        }
    }

    /// A subset's ranks among all names are the subset's places in the whole sorted listing,
    /// whatever the subset (empty, one, all, random), with duplicate names.
    func testRanksAreThePlacesInTheSortedListing() {
        for seed in 1...20 as ClosedRange<UInt64> {
            let names = randomNames(250, seed: seed)
            let table = NameTable(names)
            let all = Array(names.indices).shuffled()
            let place = Dictionary(uniqueKeysWithValues: table.sorted(all).enumerated().map { ($0.element, $0.offset) })
            for modulus in [1, 2, 7, 100, 1000] {
                let subset = table.sorted(all.filter { ($0 * 31 + Int(seed)) % modulus == 0 })
                XCTAssertEqual(table.ranks(of: subset, among: all), subset.map { place[$0]! }, "seed \(seed) 1/\(modulus)")
            }
            XCTAssertEqual(table.ranks(of: [], among: all), [])
        }
    }

    func testLookupFindsTheFirstEqualName() {
        let names = ["gt_1.txt", "", "gt_1.txt", "é.txt", "e\u{301}.txt", "gt_10.txt"]
        let table = NameTable(names).indexed()
        func index(_ s: String) -> Int? { var s = s; return s.withUTF8 { table.firstIndex(of: $0) } }
        XCTAssertEqual(index("gt_1.txt"), 0)
        XCTAssertEqual(index(""), 1)
        XCTAssertEqual(index("é.txt"), 3)
        XCTAssertEqual(index("e\u{301}.txt"), 4, "bytes, not canonical equivalence")
        XCTAssertNil(index("gt_1"))
        XCTAssertNil(index("gt_2.txt"))
        XCTAssertFalse(NameTable(names).contains("gt_1.txt"), "not indexed: no answer")
        // A large table: every name found at its own index.
        let many = (0..<5000).map { "img_\($0).jpg" }
        let big = NameTable(many).indexed()
        for (i, n) in many.enumerated() where i % 7 == 0 { XCTAssertEqual(big.contains(n), true); var n = n; XCTAssertEqual(n.withUTF8 { big.firstIndex(of: $0) }, i) }
    }

    func testInvalidUTF8IsRepairedAsStringDecodingDoes() {
        var table = NameTable()
        let raw: [UInt8] = [0x63, 0x61, 0x66, 0xE9, 0x2E, 0x6A, 0x70, 0x67]  // Latin-1 "café.jpg"
        raw.withUnsafeBufferPointer { table.append($0) }
        XCTAssertEqual(table.string(0), String(decoding: raw, as: UTF8.self))
        XCTAssertEqual(table.strings, ["caf\u{FFFD}.jpg"])
    }
}
