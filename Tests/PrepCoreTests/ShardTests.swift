import XCTest
@testable import PrepCore

final class ShardTests: XCTestCase {
    func testFNV1aIsTheStandardOne() {
        // Published FNV-1a 64-bit test vectors.
        XCTAssertEqual(Shard.hash(""), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(Shard.hash("a"), 0xaf63_dc4c_8601_ec8c)
        XCTAssertEqual(Shard.hash("foobar"), 0x8594_4171_f739_67e8)
    }

    func testPartitionCoversEveryItemOnceWhateverTheOrder() throws {
        let names = (0..<500).map { "imgs/training/img_\($0).jpg" }
        let n = 7
        var seen: [String: Int] = [:]
        for i in 0..<n {
            let shard = try Shard(index: i, count: n)
            let (mine, positions) = shard.select(names) { $0 }
            XCTAssertEqual(positions.map { names[$0] }, mine)
            XCTAssertEqual(positions, positions.sorted())
            for m in mine { seen[m, default: 0] += 1 }
            // Membership depends on the name only, not on the list.
            XCTAssertEqual(Set(shard.select(names.reversed()) { $0 }.items), Set(mine))
            XCTAssertGreaterThan(mine.count, 500 / n / 2)
        }
        XCTAssertEqual(seen.count, names.count)
        XCTAssertTrue(seen.values.allSatisfy { $0 == 1 })
    }

    /// Names that differ only in the high bits of their bytes spread over the shards. FNV-1a's
    /// low k bits depend only on the low k bits of each byte, so without the finalizer the 64
    /// names below (letters that agree in their low 3 bits: a i q y) all fell to one shard of 8,
    /// and a shard's work followed any pattern in the names' digits.
    func testPartitionDoesNotFollowTheLowBitsOfTheBytes() throws {
        let letters = ["a", "i", "q", "y"]
        let names = letters.flatMap { x in letters.flatMap { y in letters.map { z in "imgs/img_\(x)\(y)\(z).jpg" } } }
        for n in [2, 4, 8] {
            let owners = Set(names.map { name in (0..<n).first { try! Shard(index: $0, count: n).contains(name) }! })
            XCTAssertEqual(owners.count, n, "N=\(n): the 64 names fell to shards \(owners.sorted())")
        }
        // Sequential names: every shard within 4 standard deviations of n/N.
        let sequential = (1...20_000).map { "imgs/training/img_\($0).jpg" }
        for n in [2, 3, 4, 8] {
            let expected = Double(sequential.count) / Double(n), sigma = (expected * (1 - 1 / Double(n))).squareRoot()
            for i in 0..<n {
                let count = try Shard(index: i, count: n).select(sequential) { $0 }.items.count
                XCTAssertLessThan(abs(Double(count) - expected), 4 * sigma, "shard \(i)/\(n): \(count)")
            }
        }
    }

    func testParsingAndEnvironment() throws {
        XCTAssertEqual(try Shard(parsing: "2/5"), try Shard(index: 2, count: 5))
        for bad in ["5/5", "-1/3", "1", "a/b", "1/0"] { XCTAssertThrowsError(try Shard(parsing: bad), bad) }
        let env = ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4", "JOB_COMPLETION_INDEX": "0"]
        XCTAssertEqual(try Shard.fromEnvironment("SLURM_ARRAY_TASK_ID,SLURM_ARRAY_TASK_COUNT", count: nil, environment: env), try Shard(index: 3, count: 4))
        XCTAssertEqual(try Shard.fromEnvironment("JOB_COMPLETION_INDEX", count: 2, environment: env), try Shard(index: 0, count: 2))
        XCTAssertThrowsError(try Shard.fromEnvironment("JOB_COMPLETION_INDEX", count: nil, environment: env))
        XCTAssertThrowsError(try Shard.fromEnvironment("MISSING", count: 2, environment: env))
    }

    func testKeyInFolderEqualsTheURLKey() {
        let root = URL(fileURLWithPath: "/data/set")
        for (folder, name) in [("imgs/training", "img_1.jpg"), ("imgs", "video/frame/0001.jpg"), ("", "a.png"),
                               ("imgs", "./b.png"), ("imgs/test", "../train/c.png"), ("imgs", "d//e.png")] {
            let folderURL = folder.isEmpty ? root : root.appendingPathComponent(folder)
            let folderKey = Shard.key(folderURL, root: root)
            XCTAssertEqual(Shard.key(name, inFolder: folderKey), Shard.key(folderURL.appendingPathComponent(name), root: root), "\(folder) + \(name)")
        }
        // The shard of a name in a folder is the shard of its key, for every N tried (the plain
        // names hashed in parts, the others through the key).
        let names = ["img_1.jpg", "video/frame/0001.jpg", "a.png", "./b.png", "../train/c.png", "d//e.png", "été.jpg", ""]
        for folderKey in ["imgs/training", "", "/elsewhere/imgs", "ü"] {
            for name in names {
                for count in [1, 2, 3, 7, 100] {
                    let owner = (0..<count).filter { try! Shard(index: $0, count: count).contains(name, inFolder: folderKey) }
                    let expected = (0..<count).filter { try! Shard(index: $0, count: count).contains(Shard.key(name, inFolder: folderKey)) }
                    XCTAssertEqual(owner, expected, "\(folderKey) + \(name), N = \(count)")
                    XCTAssertEqual(owner.count, 1)
                }
            }
        }
        // A folder outside the root keeps its absolute path, as the URL key does.
        let outside = URL(fileURLWithPath: "/elsewhere/imgs")
        XCTAssertEqual(Shard.key("f.jpg", inFolder: Shard.key(outside, root: root)), Shard.key(outside.appendingPathComponent("f.jpg"), root: root))
    }
}
