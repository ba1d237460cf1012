import Foundation
import XCTest

/// `--shard I/N` + `prep merge`: the merge of N shards equals the unsharded run byte for byte,
/// for every command and output format; bad shard sets are refused. The golden here is the
/// unsharded run itself (its own golden tests live beside each command's tests).
final class ShardMergeTests: XCTestCase {
    /// Runs `command` unsharded (`-o <dir>/un`) and as N shards (`<dir>/s<i>`), merges, and
    /// compares the trees. `output` builds the output arguments for a folder.
    func assertMergeEqualsUnsharded(_ command: [String], counts: [Int] = [1, 2, 3, 7],
                                    output: (URL) -> [String] = { ["-o", $0.path] },
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let base = try PrepProcess.tempDir(self)
        let un = base.appendingPathComponent("un")
        let r = try PrepProcess.run(command + output(un) + ["-q"])
        XCTAssertEqual(r.status, 0, "unsharded: \(r.stderr)", file: file, line: line)
        for n in counts {
            var dirs: [String] = []
            var nonEmpty = 0
            for i in 0..<n {
                let dir = base.appendingPathComponent("n\(n)/s\(i)")
                let s = try PrepProcess.run(command + output(dir) + ["--shard", "\(i)/\(n)", "-q", "--nproc", "1"])
                XCTAssertEqual(s.status, 0, "shard \(i)/\(n): \(s.stderr)", file: file, line: line)
                if try treeFiles(dir).keys.contains(where: { !$0.hasSuffix("/") }) { nonEmpty += 1 }
                dirs.append(dir.path)
            }
            if n > 1 { XCTAssertGreaterThan(nonEmpty, 1, "N=\(n): the partition put everything in one shard", file: file, line: line) }
            let merged = base.appendingPathComponent("merged-\(n)")  // beside un/: relative image links read the same
            let m = try PrepProcess.run(["merge", merged.path] + dirs.reversed() + ["-q"])
            XCTAssertEqual(m.status, 0, "merge N=\(n): \(m.stderr)", file: file, line: line)
            try assertSameTree(un, merged, "N=\(n)", file: file, line: line)
        }
    }

    /// Relative paths of the files and links under `root` (ledgers left out), with their bytes or link target.
    func treeFiles(_ root: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let fm = FileManager.default
        func walk(_ rel: String) throws {
            let dir = rel.isEmpty ? root : root.appendingPathComponent(rel)
            for name in (try? fm.contentsOfDirectory(atPath: dir.path)) ?? [] where !(rel.isEmpty && name.hasPrefix(".prep-")) {
                let r = rel.isEmpty ? name : rel + "/" + name
                let url = root.appendingPathComponent(r)
                let type = try fm.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType
                if type == .typeDirectory { out[r + "/"] = Data(); try walk(r) }
                else if type == .typeSymbolicLink { out[r] = Data(("-> " + (try fm.destinationOfSymbolicLink(atPath: url.path))).utf8) }
                else { out[r] = try Data(contentsOf: url) }
            }
        }
        try walk("")
        return out
    }

    func assertSameTree(_ a: URL, _ b: URL, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let x = try treeFiles(a), y = try treeFiles(b)
        XCTAssertEqual(x.keys.sorted(), y.keys.sorted(), "\(what): files", file: file, line: line)
        XCTAssertFalse(x.isEmpty, "\(what): nothing written", file: file, line: line)
        for (k, v) in x where y[k] != nil && y[k] != v { XCTFail("\(what): \(k) differs", file: file, line: line) }
    }

    func testTxtFamilyDetCOCO0() throws {
        let root = try fixtureCopy("icdar2015-toy")
        try assertMergeEqualsUnsharded(["icdar2015", root.path, "--split-list", "test"])
    }

    func testDetEveryTarget() throws {
        let root = try fixtureCopy("icdar2015-toy")
        // (mmocr1 and paddle det files: in testDetAndRecogCropsEveryTarget.)
        for to in ["coco", "line-json"] {
            try assertMergeEqualsUnsharded(["icdar2015", root.path, "--split-list", "test", "--to", to], counts: [3])
        }
    }

    func testDetAndRecogCropsEveryTarget() throws {
        let root = try fixtureCopy("ctw1500-toy")
        try assertMergeEqualsUnsharded(["ctw1500", root.path, "--task", "det", "recog"])
        for args in [["--to", "mmocr1"], ["--to", "paddle"], ["--format", "txt"], ["--format", "lmdb"], ["--to", "mmocr1", "--lmdb"]] {
            try assertMergeEqualsUnsharded(["ctw1500", root.path, "--task", "det", "recog"] + args, counts: [2])
        }
    }

    func testValRatioDataset() throws {
        let root = try fixtureCopy("mtwi-toy")
        try assertMergeEqualsUnsharded(["mtwi", root.path, "--task", "det", "recog", "--val-ratio", "0.5"], counts: [2, 7])
    }

    func testJSONFamily() throws {
        let root = try fixtureCopy("hiertext-toy")
        try assertMergeEqualsUnsharded(["hiertext", root.path, "--task", "det", "spotting"], counts: [1, 2, 3, 7])
        let naf = try fixtureCopy("naf-toy")
        try assertMergeEqualsUnsharded(["naf", naf.path, "--task", "det", "recog"], counts: [3])
    }

    func testCOCOTextFamily() throws {
        // One COCO-Text-style JSON for all images, read once by every shard; each shard looks only
        // for its own images.
        try assertMergeEqualsUnsharded(["cocotext", try fixtureCopy("cocotext-toy").path, "--task", "det", "recog"], counts: [1, 2, 3, 7])
        try assertMergeEqualsUnsharded(["textocr", try fixtureCopy("textocr-toy").path, "--task", "det", "recog"], counts: [3])
    }

    func testShippedCropLabels() throws {
        // det pages and the shipped crops' label lines (each line goes with its crop's name).
        try assertMergeEqualsUnsharded(["icdar2013", try fixtureCopy("icdar2013-toy").path, "--task", "det", "recog"])
        try assertMergeEqualsUnsharded(["lv", try fixtureCopy("lv-toy").path, "--task", "recog", "--format", "txt"], counts: [3])
    }

    func testSynthTextStreamed() throws {
        // The det LMDB (keys 0 … n-1, total_number), spotting COCO, crops and their label file.
        try assertMergeEqualsUnsharded(["synthtext", PrepProcess.fixture("synthtext-toy").path, "--task", "det", "recog", "spotting"])
        try assertMergeEqualsUnsharded(["synthtext", PrepProcess.fixture("synthtext-quirks").path, "--task", "det", "recog", "--coco-json"], counts: [2])
    }

    func testLMDBFromLabels() throws {
        let messy = PrepProcess.fixture("lmdb/messy")
        try assertMergeEqualsUnsharded(["lmdb", messy.appendingPathComponent("label.txt").path, "-i", messy.appendingPathComponent("imgs").path,
                                        "--batch-size", "2"], output: { [$0.appendingPathComponent("train.lmdb").path] })
        try assertMergeEqualsUnsharded(["lmdb", messy.appendingPathComponent("label.jsonl").path, "--label-only"], counts: [3],
                                       output: { [$0.appendingPathComponent("label.lmdb").path] })
    }

    func testConvertAndCrops() throws {
        let root = try fixtureCopy("icdar2015-toy")
        // The det file in the root, so --text-from finds the gt files beside it (annotations/test/).
        XCTAssertEqual(try PrepProcess.run(["icdar2015", root.path, "--split-list", "test", "-q"]).status, 0)
        let coco = root.appendingPathComponent("instances_test.json").path
        for (to, name) in [("mmocr0", "a.json"), ("mmocr1", "b.json"), ("coco", "c.json"), ("paddle", "d.txt"), ("line-json", "e.jsonl")] {
            try assertMergeEqualsUnsharded(["convert", coco, "--to", to], counts: [3], output: { ["-o", $0.appendingPathComponent(name).path] })
        }
        for args in [[], ["--format", "lmdb"], ["--to", "paddle"]] {
            try assertMergeEqualsUnsharded(["crops", coco, "--images", root.appendingPathComponent("imgs").path, "--text-from", "icdar2015"] + args,
                                           counts: [3])
        }
    }

    func testPairedByAnnotationAndReportsOnce() throws {
        // FUNSD pairs each annotation file with its image (pair_by annotations).
        try assertMergeEqualsUnsharded(["funsd", try fixtureCopy("funsd-toy").path, "--task", "det", "recog"], counts: [2, 3])
        // Images without annotation and annotations without image: each listed once in the
        // merged report, as in the unsharded one (shards filter their images as they list them).
        let root = try fixtureCopy("icdar2015-toy")
        let imgs = root.appendingPathComponent("imgs/test"), anns = root.appendingPathComponent("annotations/test")
        try Data().write(to: imgs.appendingPathComponent("img_lonely.jpg"))
        try Data("1,1,2,1,2,2,1,2,x\n".utf8).write(to: anns.appendingPathComponent("gt_img_orphan.txt"))
        let base = try PrepProcess.tempDir(self)
        let unReport = base.appendingPathComponent("un.json")
        XCTAssertEqual(try PrepProcess.run(["icdar2015", root.path, "--split-list", "test", "-o", base.appendingPathComponent("un").path, "-q",
                                            "--report", unReport.path]).status, 0)
        let dirs = try shards(3, in: base.appendingPathComponent("three"), root: root)
        let mergedReport = base.appendingPathComponent("merged.json")
        let m = try PrepProcess.run(["merge", base.appendingPathComponent("merged").path] + dirs + ["-q", "--report", mergedReport.path])
        XCTAssertEqual(m.status, 0, m.stderr)
        func issues(_ url: URL) throws -> [String] {
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
            return ((json?["issues"] as? [[String: Any]]) ?? []).map { "\($0["file"] ?? ""): \($0["reason"] ?? "")" }.sorted()
        }
        let expected = try issues(unReport)
        XCTAssertEqual(expected.filter { $0.contains("img_lonely.jpg") || $0.contains("gt_img_orphan.txt") }.count, 2, "\(expected)")
        XCTAssertEqual(try issues(mergedReport), expected)
    }

    // MARK: refusals

    func testUnsupportedRunsAreRefusedAtOnce() throws {
        let base = try PrepProcess.tempDir(self)
        let icdar = try fixtureCopy("icdar2015-toy").path
        let runs: [[String]] = [
            ["wildreceipt", try fixtureCopy("wildreceipt-toy").path, "--task", "kie"],
            ["svt", try fixtureCopy("svt-toy").path, "--task", "recog"],
            ["kaist", try fixtureCopy("kaist-zips").path],
        ] + ["doctr", "hf", "easyocr", "tesstrain"].map { ["icdar2015", icdar, "--split-list", "test", "--task", "recog", "--to", $0] }
          + [["xfund", try fixtureCopy("xfund-toy").path, "--to", "paddle-kie"]]
        for (k, args) in runs.enumerated() {
            let out = base.appendingPathComponent("s\(k)")
            let r = try PrepProcess.run(args + ["-o", out.path, "--shard", "0/2", "-q"])
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("--shard"), "\(args): \(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "\(args): nothing written")
        }
    }

    func shards(_ n: Int, extra: [String] = [], in base: URL, root: URL) throws -> [String] {
        try (0..<n).map { i in
            let dir = base.appendingPathComponent("s\(i)")
            let r = try PrepProcess.run(["icdar2015", root.path, "--split-list", "test", "-o", dir.path, "--shard", "\(i)/\(n)", "-q"] + extra)
            XCTAssertEqual(r.status, 0, r.stderr)
            return dir.path
        }
    }

    /// Three shard folders: one left out, or one given twice, is refused (exit 2).
    static func assertMissingAndTwiceRefused(_ out: String, _ dirs: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        var r = try PrepProcess.run(["merge", out, dirs[0], dirs[2]])
        XCTAssertEqual(r.status, 2, file: file, line: line)
        XCTAssertTrue(r.stderr.contains("missing shard(s) 1/3"), r.stderr, file: file, line: line)
        r = try PrepProcess.run(["merge", out, dirs[0], dirs[1], dirs[2], dirs[1]])
        XCTAssertEqual(r.status, 2, file: file, line: line)
        XCTAssertTrue(r.stderr.contains("given twice"), r.stderr, file: file, line: line)
    }

    func testMissingDuplicateAndForeignShardsAreRefused() throws {
        let root = try fixtureCopy("icdar2015-toy")
        let base = try PrepProcess.tempDir(self)
        let dirs = try shards(3, in: base, root: root)
        let out = base.appendingPathComponent("merged").path
        try ShardMergeTests.assertMissingAndTwiceRefused(out, dirs)
        var r: PrepProcess.Result
        // A shard of another run (other options).
        let other = try shards(3, extra: ["--to", "coco"], in: base.appendingPathComponent("other"), root: root)
        r = try PrepProcess.run(["merge", out, dirs[0], dirs[1], other[2]])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("options"), r.stderr)
        // Another N.
        let two = try shards(2, in: base.appendingPathComponent("two"), root: root)
        r = try PrepProcess.run(["merge", out, dirs[0], dirs[1], two[1]])
        XCTAssertTrue(r.stderr.contains("shard count"), r.stderr)
        // Another prep version.
        let manifest = URL(fileURLWithPath: dirs[1]).appendingPathComponent(".prep-shard/manifest.json")
        let text = try String(contentsOf: manifest, encoding: .utf8).replacingOccurrences(of: "\"version\" : \"", with: "\"version\" : \"9.")
        try text.write(to: manifest, atomically: true, encoding: .utf8)
        r = try PrepProcess.run(["merge", out, dirs[0], dirs[1], dirs[2]])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("prep version"), r.stderr)
        try text.replacingOccurrences(of: "\"version\" : \"9.", with: "\"version\" : \"").write(to: manifest, atomically: true, encoding: .utf8)
        // A file that the shard run did not write stays out of OUT.
        try Data("stray".utf8).write(to: URL(fileURLWithPath: dirs[0]).appendingPathComponent("notes.txt"))
        r = try PrepProcess.run(["merge", out, dirs[0], dirs[1], dirs[2], "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/instances_test.json"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/notes.txt"))
        // A shard whose output no longer matches its ledger.
        let positions = URL(fileURLWithPath: dirs[1]).appendingPathComponent(".prep-shard/positions")
        for f in try FileManager.default.contentsOfDirectory(atPath: positions.path) {
            try Data("99999\n".utf8).write(to: positions.appendingPathComponent(f))
        }
        let out2 = base.appendingPathComponent("merged2").path
        r = try PrepProcess.run(["merge", out2, dirs[0], dirs[1], dirs[2]])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("shard ledger"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out2 + "/instances_test.json"), "nothing written by a failed merge")
        // A folder that is no shard.
        let out3 = base.appendingPathComponent("merged3").path
        r = try PrepProcess.run(["merge", out3, root.path])
        XCTAssertTrue(r.stderr.contains("not a shard output"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out3), "nothing written by a refused merge")
    }

    func testShardOptionsAreChecked() throws {
        let root = try fixtureCopy("icdar2015-toy")
        let out = try PrepProcess.tempDir(self).appendingPathComponent("s")
        for bad in [["--shard", "3/3"], ["--shard", "1"], ["--shard", "0/0"], ["--shard-from-env", "NOPE_I,NOPE_N"],
                    ["--shard-from-env", "JOB_COMPLETION_INDEX"]] {
            let r = try PrepProcess.run(["icdar2015", root.path, "-o", out.path, "-q"] + bad, env: ["JOB_COMPLETION_INDEX": "1"])
            XCTAssertEqual(r.status, 2, "\(bad): \(r.stderr)")
        }
        // Without -o every shard would write into the dataset root.
        XCTAssertEqual(try PrepProcess.run(["icdar2015", root.path, "--shard", "0/2", "-q"]).status, 2)
        // Slurm and Kubernetes variables name the same shard as --shard.
        let slurm = try PrepProcess.run(["icdar2015", root.path, "--split-list", "test", "-o", out.path, "-q",
                                         "--shard-from-env", "SLURM_ARRAY_TASK_ID,SLURM_ARRAY_TASK_COUNT"],
                                        env: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2"])
        XCTAssertEqual(slurm.status, 0, slurm.stderr)
        let manifest = try String(contentsOf: out.appendingPathComponent(".prep-shard/manifest.json"), encoding: .utf8)
        XCTAssertTrue(manifest.contains("\"index\" : 1"), manifest)
        let k8s = try PrepProcess.run(["icdar2015", root.path, "--split-list", "test", "-o", out.path, "-q",
                                       "--shard-from-env", "JOB_COMPLETION_INDEX", "--shard-count", "2"], env: ["JOB_COMPLETION_INDEX": "1"])
        XCTAssertEqual(k8s.status, 0, k8s.stderr)
    }
}
