import Foundation
import XCTest

/// COCO 0.x shards with record lengths (`.prep-shard/positions/N.len`): the merge cuts records by
/// length and equals the unsharded run byte for byte; without lengths it scans, with the same
/// result; a shard whose lengths and file disagree is refused, naming the file.
extension ShardMergeTests {
    /// The ICDAR 2015 toy with transcriptions that look like JSON structure and COCO ids, escapes
    /// and non-ASCII text, and an image without annotations.
    func awkwardTextsFixture() throws -> URL {
        let root = try fixtureCopy("icdar2015-toy")
        let anns = root.appendingPathComponent("annotations/test")
        try Data(#"""
        1,1,20,1,20,20,1,20,a}b, {"image_id": 1, "id": 2}
        2,2,30,2,30,30,2,30,say "hi" \o/ \\
        3,3,40,3,40,40,3,40,héllo wörld ✓ 文字
        4,4,50,4,50,50,4,50,}]}, "id": 7}

        """#.utf8).write(to: anns.appendingPathComponent("gt_img_3.txt"))
        try Data().write(to: anns.appendingPathComponent("gt_img_5.txt"))
        try Data("5,5,60,5,60,60,5,60,{\"id\": 0}\n".utf8).write(to: anns.appendingPathComponent("gt_img_8.txt"))
        return root
    }

    static let cocoRun = ["--split-list", "test", "--task", "det", "spotting"]

    func testCOCOLengthsMergeEqualsUnsharded() throws {
        let root = try awkwardTextsFixture()
        try assertMergeEqualsUnsharded(["icdar2015", root.path] + Self.cocoRun, counts: [1, 2, 3, 7])
        // The texts reached the spotting file, and the shards recorded lengths for both outputs.
        let base = try PrepProcess.tempDir(self)
        let un = base.appendingPathComponent("un")
        XCTAssertEqual(try PrepProcess.run(["icdar2015", root.path] + Self.cocoRun + ["-o", un.path, "-q"]).status, 0)
        let spotting = try String(contentsOf: un.appendingPathComponent("spotting_instances_test.json"), encoding: .utf8)
        XCTAssertTrue(spotting.contains(#""text": "a}b, {\"image_id\": 1, \"id\": 2}""#), spotting)
        XCTAssertTrue(spotting.contains(#"\u00e9"#), "non-ASCII is escaped")
        XCTAssertFalse(FileManager.default.fileExists(atPath: un.appendingPathComponent(".prep-shard").path), "an unsharded run keeps no ledger")
        let dirs = try shards(2, extra: ["--task", "det", "spotting"], in: base.appendingPathComponent("two"), root: root)
        for dir in dirs {
            let manifest = try manifestOutputs(dir)
            XCTAssertEqual(manifest.count, 2)
            for o in manifest {
                let lengths = try XCTUnwrap(o["lengths"] as? String, "\(dir): \(o)")
                XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/.prep-shard/positions/" + lengths))
                let size = try FileManager.default.attributesOfItem(atPath: dir + "/" + (o["name"] as! String))[.size] as? Int
                XCTAssertEqual(o["bytes"] as? Int, size)
            }
        }
    }

    /// Standard COCO (`--to coco`, ids first in each record) and `prep convert`'s COCO files keep
    /// lengths too: cut by length, renumbered where their ids are, the same merge.
    func testStandardCOCOAndConvertKeepLengths() throws {
        let root = try awkwardTextsFixture()
        try assertMergeEqualsUnsharded(["icdar2015", root.path, "--split-list", "test", "--task", "det", "--to", "coco"], counts: [1, 2, 3, 7])
        let base = try PrepProcess.tempDir(self)
        for dir in try shards(2, extra: ["--task", "det", "--to", "coco"], in: base.appendingPathComponent("coco"), root: root) {
            let outputs = try manifestOutputs(dir)
            XCTAssertEqual(outputs.map { $0["name"] as? String }, ["coco_test.json"])
            XCTAssertNotNil(outputs.first?["lengths"] as? String, "\(dir): \(outputs)")
        }
        // prep convert of the unsharded COCO 0.x file, to both COCO flavours, as 3 shards.
        let un = base.appendingPathComponent("un")
        XCTAssertEqual(try PrepProcess.run(["icdar2015", root.path, "--split-list", "test", "--task", "det", "-o", un.path, "-q"]).status, 0)
        let source = un.appendingPathComponent("instances_test.json").path
        for (to, name) in [("coco", "c.json"), ("mmocr0", "z.json")] {
            try assertMergeEqualsUnsharded(["convert", source, "--to", to], counts: [1, 3], output: { ["-o", $0.appendingPathComponent(name).path] })
            let shard = base.appendingPathComponent("convert-\(to)")
            let r = try PrepProcess.run(["convert", source, "--to", to, "-o", shard.appendingPathComponent(name).path, "--shard", "0/2", "-q"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertNotNil(try manifestOutputs(shard.path).first?["lengths"] as? String, to)
        }
    }

    /// MMOCR 1.x files (`--to mmocr1`: textdet and textspotting `data_list`s; `prep convert
    /// --to mmocr1`) keep lengths too: their records, without ids, are copied by length.
    func testMMOCR1DataListsKeepLengths() throws {
        let root = try awkwardTextsFixture()
        let run = ["icdar2015", root.path, "--split-list", "test", "--task", "det", "spotting", "--to", "mmocr1"]
        try assertMergeEqualsUnsharded(run, counts: [1, 2, 3, 7])
        let base = try PrepProcess.tempDir(self)
        for dir in try shards(2, extra: ["--task", "det", "spotting", "recog", "--from-det", "--to", "mmocr1"], in: base.appendingPathComponent("m1"), root: root) {
            // textdet, textspotting and the recognition labels (textrecog_test.json).
            let outputs = try manifestOutputs(dir).filter { ($0["name"] as? String)?.hasSuffix(".json") == true }
            XCTAssertEqual(outputs.count, 3, "\(dir): \(outputs)")
            for o in outputs { XCTAssertNotNil(o["lengths"] as? String, "\(dir): \(o)") }
        }
        try assertMergeEqualsUnsharded(["icdar2015", root.path, "--split-list", "test", "--task", "det", "spotting", "recog", "--from-det", "--to", "mmocr1"],
                                       counts: [3])
        let un = base.appendingPathComponent("un")
        XCTAssertEqual(try PrepProcess.run(["icdar2015", root.path, "--split-list", "test", "--task", "det", "-o", un.path, "-q"]).status, 0)
        try assertMergeEqualsUnsharded(["convert", un.appendingPathComponent("instances_test.json").path, "--to", "mmocr1"], counts: [1, 3],
                                       output: { ["-o", $0.appendingPathComponent("m.json").path] })
    }

    /// Without lengths (a removed lengths file, or a manifest from before them) the records are
    /// scanned: the same merge.
    func testCOCOMergeFallsBackToTheScanWithoutLengths() throws {
        let root = try awkwardTextsFixture()
        let base = try PrepProcess.tempDir(self)
        let un = base.appendingPathComponent("un")
        XCTAssertEqual(try PrepProcess.run(["icdar2015", root.path] + Self.cocoRun + ["-o", un.path, "-q"]).status, 0)
        let dirs = try shards(3, extra: ["--task", "det", "spotting"], in: base.appendingPathComponent("three"), root: root)
        // One shard's lengths files removed: every shard is scanned.
        for o in try manifestOutputs(dirs[1]) {
            try FileManager.default.removeItem(atPath: dirs[1] + "/.prep-shard/positions/" + (o["lengths"] as! String))
        }
        let merged = base.appendingPathComponent("merged")
        var m = try PrepProcess.run(["merge", merged.path] + dirs + ["-q"])
        XCTAssertEqual(m.status, 0, m.stderr)
        try assertSameTree(un, merged, "without one shard's lengths files")
        // Manifests without the fields (as shard runs before them wrote) still decode.
        for dir in dirs {
            let url = URL(fileURLWithPath: dir + "/.prep-shard/manifest.json")
            let text = try String(contentsOf: url, encoding: .utf8)
            let stripped = text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.contains("\"lengths\" :") && !$0.contains("\"bytes\" :") }.joined(separator: "\n")
            XCTAssertNotEqual(stripped, text)
            try stripped.write(to: url, atomically: true, encoding: .utf8)
        }
        let old = base.appendingPathComponent("merged-old")
        m = try PrepProcess.run(["merge", old.path] + dirs + ["-q"])
        XCTAssertEqual(m.status, 0, m.stderr)
        try assertSameTree(un, old, "manifests without lengths")
    }

    /// Shards whose lengths or output were edited after the run are refused with a message naming
    /// the file; nothing is written. (The scan would have merged the first two edits silently:
    /// they show that the lengths are what the merge reads.)
    func testCOCOShardWithLengthsThatDisagreeIsRefused() throws {
        let root = try awkwardTextsFixture()
        let base = try PrepProcess.tempDir(self)
        func fresh(_ name: String) throws -> [String] {
            try shards(2, extra: ["--task", "det", "spotting"], in: base.appendingPathComponent(name), root: root)
        }
        let spotting = "spotting_instances_test.json"
        func assertRefused(_ dirs: [String], naming file: String, _ what: String, line: UInt = #line) throws {
            let out = base.appendingPathComponent("merged-\(UUID().uuidString.prefix(6))").path
            let r = try PrepProcess.run(["merge", out] + dirs)
            XCTAssertEqual(r.status, 1, "\(what): \(r.stderr)", line: line)
            XCTAssertTrue(r.stderr.contains(file), "\(what): names \(file): \(r.stderr)", line: line)
            XCTAssertTrue(r.stderr.contains("changed after its run"), "\(what): \(r.stderr)", line: line)
            for name in ["instances_test.json", spotting] {
                XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/" + name), "\(what): nothing written", line: line)
            }
        }
        func lengthsFile(_ dir: String) throws -> URL {
            let o = try manifestOutputs(dir).first { $0["name"] as? String == spotting }!
            return URL(fileURLWithPath: dir + "/.prep-shard/positions/" + (o["lengths"] as! String))
        }

        // Two annotations' lengths swapped: the file's size still adds up.
        var dirs = try fresh("swapped")
        let url = try lengthsFile(dirs[0])
        var entries = Self.varints(Array(try Data(contentsOf: url)).dropFirst())
        let (a, b) = try XCTUnwrap(Self.twoUnequalAnnotations(entries), "a shard image with two annotations of different lengths")
        entries.swapAt(a, b)
        try Data([1] + entries.flatMap(Self.varint)).write(to: url)
        try assertRefused(dirs, naming: dirs[0] + "/" + spotting, "swapped lengths")

        // A separator edited in place (same size).
        dirs = try fresh("separator")
        let output = URL(fileURLWithPath: dirs[1] + "/" + spotting)
        var text = try String(contentsOf: output, encoding: .utf8)
        let sep = try XCTUnwrap(text.range(of: "}, {\"iscrowd\""))
        text.replaceSubrange(sep, with: "}  {\"iscrowd\"")
        try text.write(to: output, atomically: true, encoding: .utf8)
        try assertRefused(dirs, naming: output.path, "an edited separator")

        // The output grown by a byte.
        dirs = try fresh("grown")
        let grown = URL(fileURLWithPath: dirs[0] + "/instances_test.json")
        try (try Data(contentsOf: grown) + Data(" ".utf8)).write(to: grown)
        try assertRefused(dirs, naming: grown.path, "a grown output")

        // The lengths file cut short.
        dirs = try fresh("short")
        let short = try lengthsFile(dirs[1])
        try Data(try Data(contentsOf: short).dropLast(3)).write(to: short)
        try assertRefused(dirs, naming: short.path, "a short lengths file")
    }

    /// The outputs listed in a shard folder's manifest.
    func manifestOutputs(_ dir: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/.prep-shard/manifest.json"))
        return try XCTUnwrap((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["outputs"] as? [[String: Any]])
    }

    static func varints(_ bytes: ArraySlice<UInt8>) -> [Int] {
        var out: [Int] = [], value = 0, shift = 0
        for b in bytes {
            value |= Int(b & 0x7F) << shift
            if b < 0x80 { out.append(value); value = 0; shift = 0 } else { shift += 7 }
        }
        return out
    }

    static func varint(_ value: Int) -> [UInt8] {
        var v = value, out: [UInt8] = []
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        return out + [UInt8(v)]
    }

    /// Indices (in the decoded entries: image length, count, annotation lengths…) of two
    /// annotations of one image with different lengths.
    static func twoUnequalAnnotations(_ entries: [Int]) -> (Int, Int)? {
        var i = 0
        while i + 1 < entries.count {
            let count = entries[i + 1]
            let first = i + 2
            for j in first..<(first + count) where j + 1 < first + count && entries[j] != entries[j + 1] { return (j, j + 1) }
            i = first + count
        }
        return nil
    }
}
