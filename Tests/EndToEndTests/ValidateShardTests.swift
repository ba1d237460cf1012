import Foundation
import XCTest

/// `prep validate --shard I/N` + `prep merge`: the merged `validate.json` equals the unsharded
/// `prep validate --report` byte for byte (`summary.seconds` aside: the merge's is the shards'
/// sum), on the seeded fixture where every finding kind occurs once, including the ones that need
/// every image (duplicate content, an image in two splits, a crop whose page is in another split).
final class ValidateShardTests: XCTestCase {
    let seeded = PrepProcess.fixture("validate/seeded")
    let seededArgs = ["validate", "training=instances_training.json", "test=instances_test.json",
                      "training=train_label.txt", "training=train.lmdb",
                      "--decode", "--charset", "charset.txt", "--max-len", "25"]

    private func normalized(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8)
            .replacingOccurrences(of: #""seconds": [0-9.e-]+"#, with: #""seconds": 0"#, options: .regularExpression)
    }

    /// Runs the shards of `args` (cwd `cwd`) into `base/n<N>/s<i>` and returns the folders.
    private func shards(_ n: Int, _ args: [String], cwd: URL, in base: URL) throws -> [String] {
        try (0..<n).map { i in
            let dir = base.appendingPathComponent("n\(n)/s\(i)")
            let r = try PrepProcess.run(args + ["--shard", "\(i)/\(n)", "-o", dir.path, "-q", "--nproc", "1"], cwd: cwd)
            XCTAssertNotEqual(r.status, 2, "shard \(i)/\(n): \(r.stderr)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("validate.json").path))
            return dir.path
        }
    }

    func testMergedReportEqualsUnshardedOne() throws {
        let base = try PrepProcess.tempDir(self)
        let reference = base.appendingPathComponent("un.json")
        let un = try PrepProcess.run(seededArgs + ["--report", reference.path, "-q"], cwd: seeded)
        XCTAssertEqual(un.status, 1, un.stderr)
        let expected = try normalized(reference)
        for kind in ["duplicate-image", "image-in-two-splits", "crop-source-in-other-split"] {
            XCTAssertTrue(expected.contains("\"type\": \"\(kind)\""), kind)
        }
        for n in [1, 2, 3, 7] {
            let dirs = try shards(n, seededArgs, cwd: seeded, in: base)
            let out = base.appendingPathComponent("merged-\(n)")
            let m = try PrepProcess.run(["merge", out.path] + dirs.reversed())
            // The merged checks fail as the unsharded ones do, with the same summary.
            XCTAssertEqual(m.status, 1, "merge N=\(n): \(m.stderr)")
            XCTAssertTrue(m.stdout.contains("prep validate: FAILED — 18 error(s), 12 warning(s)"), m.stdout)
            XCTAssertEqual(try normalized(out.appendingPathComponent("validate.json")), expected, "N=\(n)")
        }
    }

    func testCleanDataPassesMerged() throws {
        let clean = PrepProcess.fixture("validate/clean")
        let args = ["validate", "instances_training.json", "instances_test.json", "training=train_label.txt",
                    "--decode", "--charset", "charset.txt", "--max-len", "25", "--strict"]
        let base = try PrepProcess.tempDir(self)
        let reference = base.appendingPathComponent("un.json")
        XCTAssertEqual(try PrepProcess.run(args + ["--report", reference.path, "-q"], cwd: clean).status, 0)
        let dirs = try shards(2, args, cwd: clean, in: base)
        let out = base.appendingPathComponent("merged")
        let m = try PrepProcess.run(["merge", out.path, "-q"] + dirs)
        XCTAssertEqual(m.status, 0, m.stderr)
        XCTAssertEqual(try normalized(out.appendingPathComponent("validate.json")), try normalized(reference))
    }

    func testBadShardSetsAreRefused() throws {
        let base = try PrepProcess.tempDir(self)
        let dirs = try shards(3, seededArgs, cwd: seeded, in: base)
        let out = base.appendingPathComponent("merged").path
        try ShardMergeTests.assertMissingAndTwiceRefused(out, dirs)
        var r: PrepProcess.Result
        // Other options (another --max-len) or other inputs.
        let other = try shards(3, seededArgs.dropLast() + ["20"], cwd: seeded, in: base.appendingPathComponent("other"))
        r = try PrepProcess.run(["merge", out, dirs[0], dirs[1], other[2]])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("options"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing written by a refused merge")
        // --shard needs its folder; -o alone is not a validate option.
        XCTAssertEqual(try PrepProcess.run(seededArgs + ["--shard", "0/2"], cwd: seeded).status, 2)
        XCTAssertEqual(try PrepProcess.run(seededArgs + ["-o", base.appendingPathComponent("x").path], cwd: seeded).status, 2)
    }
}
