import XCTest

/// `prep icdar2015` / `prep icdar2017` through the real binary. Golden files in
/// fixtures/expected/ are the reference's own outputs (MMOCR 0.6.3 icdar_converter.py run on the
/// same fixture by scripts/reference_golden.py), with images put in file-name order.
final class ICDARCommandTests: XCTestCase {
    func copyFixture(_ name: String, to dir: URL) throws -> URL {
        let dst = dir.appendingPathComponent(name)
        try FileManager.default.copyItem(at: PrepProcess.fixture(name), to: dst)
        return dst
    }

    func expected(_ path: String) throws -> Data { try Data(contentsOf: PrepProcess.fixture("expected/\(path)")) }

    func testICDAR2015ToyMatchesTheReferenceByteForByte() throws {
        let out = try PrepProcess.tempDir(self)
        let r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-toy").path, "--split-list", "test", "-o", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("instances_test.json")), try expected("icdar2015-toy/instances_test.json"))
        XCTAssertTrue(r.stdout.contains("test        10         82       61        0"), r.stdout)
    }

    /// `--task spotting`: the det file's annotations, each with its transcription (`###` too,
    /// as an ignored instance), in `spotting_instances_<split>.json`.
    func testICDAR2015Spotting() throws {
        let out = try PrepProcess.tempDir(self)
        let r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-toy").path, "--split-list", "test",
                                     "--task", "det", "spotting", "-o", out.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("instances_test.json")), try expected("icdar2015-toy/instances_test.json"))
        func annotations(_ name: String) throws -> [[String: Any]] {
            let j = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent(name))) as! [String: Any]
            return j["annotations"] as! [[String: Any]]
        }
        let det = try annotations("instances_test.json"), spot = try annotations("spotting_instances_test.json")
        XCTAssertEqual(spot.count, 82)
        XCTAssertEqual(spot.map { $0["segmentation"] as! [[Int]] }, det.map { $0["segmentation"] as! [[Int]] })
        XCTAssertEqual(spot[0]["text"] as? String, "Genaxis Theatre")
        XCTAssertEqual(spot.filter { ($0["text"] as? String) == "###" }.count, 61)
    }

    func testICDAR2017ToyMatchesTheReferenceByteForByte() throws {
        let out = try PrepProcess.tempDir(self)
        let r = try PrepProcess.run(["icdar2017", PrepProcess.fixture("icdar2017-toy").path, "--split-list", "training", "val", "-o", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        for split in ["training", "val"] {
            XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("instances_\(split).json")),
                           try expected("icdar2017-toy/instances_\(split).json"), split)
        }
    }

    /// The reference crashes on a BOM in an ICDAR 2017 file; prep reads it.
    func testICDAR2017WithBOMIsRead() throws {
        let tmp = try PrepProcess.tempDir(self)
        let root = try copyFixture("icdar2017-toy", to: tmp)
        let gt = root.appendingPathComponent("annotations/val/gt_img_1.txt")
        try (Data([0xEF, 0xBB, 0xBF]) + Data(contentsOf: gt)).write(to: gt)
        let out = tmp.appendingPathComponent("out")
        let r = try PrepProcess.run(["icdar2017", root.path, "--split-list", "val", "-o", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("instances_val.json")), try expected("icdar2017-toy/instances_val.json"))
    }

    /// Every file the reference can read gives the reference's bytes; the rest is skipped and
    /// reported (img_10, with float coordinates and blank lines, is read where the reference crashes).
    func testQuirksMatchTheReferenceOnWhatItCanRead() throws {
        let tmp = try PrepProcess.tempDir(self)
        let root = try copyFixture("icdar2015-quirks", to: tmp)
        try FileManager.default.removeItem(at: root.appendingPathComponent("imgs/training/img_10.jpg"))
        try FileManager.default.removeItem(at: root.appendingPathComponent("annotations/training/gt_img_10.txt"))
        let out = tmp.appendingPathComponent("out")
        let r = try PrepProcess.run(["icdar2015", root.path, "-o", out.path, "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "", "--quiet prints nothing")
        for split in ["training", "test"] {
            XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("instances_\(split).json")),
                           try expected("icdar2015-quirks/instances_\(split).json"), split)
        }
    }

    func testQuirksReportNamesEveryFileAndLine() throws {
        let tmp = try PrepProcess.tempDir(self)
        let report = tmp.appendingPathComponent("report.json")
        let r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-quirks").path, "-o", tmp.appendingPathComponent("out").path,
                                     "--report", report.path, "--nproc", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for needle in ["skipped: 9", "annotations/training/gt_img_6.txt:2: coordinate 3 is not a number: '5O'",
                       "gt_img_9.txt:2: not valid UTF-8 at byte 28", "img_5.jpg: truncated", "EXIF-tagged images: 2"] {
            XCTAssertTrue(r.stdout.contains(needle), "summary lacks '\(needle)':\n\(r.stdout)")
        }
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
        let totals = try XCTUnwrap(json["totals"] as? [String: Any])
        XCTAssertEqual(totals["images"] as? Int, 9)
        XCTAssertEqual(totals["skipped"] as? Int, 9)
        XCTAssertEqual(totals["exif_tagged"] as? Int, 2)
        let issues = try XCTUnwrap(json["issues"] as? [[String: Any]])
        let six = try XCTUnwrap(issues.first { ($0["file"] as? String)?.hasSuffix("gt_img_6.txt") == true })
        XCTAssertEqual(six["line"] as? Int, 2)
        XCTAssertEqual(six["split"] as? String, "training")
        // The float polygon of img_10 is kept as read.
        let det = try String(contentsOf: tmp.appendingPathComponent("out/instances_training.json"), encoding: .utf8)
        XCTAssertTrue(det.contains(#""bbox": [10.0, 10.0, 40.25, 20.0], "area": 797.5, "segmentation": [[10.5, 10.0, 50.25, 10.0, 50.0, 30.0, 10.0, 30.0]]"#))
    }

    func testStrictFailsAndKeepsEarlierOutputs() throws {
        let out = try PrepProcess.tempDir(self)
        let old = out.appendingPathComponent("instances_training.json")
        try "earlier".write(to: old, atomically: true, encoding: .utf8)
        let r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-quirks").path, "-o", out.path, "--strict"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("--strict: 9 item(s) skipped"), r.stdout)
        XCTAssertEqual(try String(contentsOf: old, encoding: .utf8), "earlier")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), ["instances_training.json"], "nothing half-written left")
    }

    func testMissingSplitFolderExitsOneAndKeepsOutputs() throws {
        let out = try PrepProcess.tempDir(self)
        let old = out.appendingPathComponent("instances_test.json")
        try "earlier".write(to: old, atomically: true, encoding: .utf8)
        let r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-toy").path, "--split-list", "test", "training", "-o", out.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("imgs/training: missing image folder for split 'training'"), r.stdout + r.stderr)
        XCTAssertEqual(try String(contentsOf: old, encoding: .utf8), "earlier")
    }

    func testUsageErrorsExitTwo() throws {
        let root = PrepProcess.fixture("icdar2015-toy").path
        for args in [["icdar2015", root, "--split-list", "val"], ["icdar2015", root, "--nproc", "0"],
                     ["icdar2015", root, "--no-such-option"], ["icdar2015"], ["no-such-command"], ["icdar2015", root, "--exif", "sideways"]] {
            let r = try PrepProcess.run(args)
            XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.isEmpty, "\(args) explains itself")
        }
        let r = try PrepProcess.run(["icdar2015", "/no/such/folder"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("/no/such/folder: no such folder"), r.stderr)
    }

    func testOutputDefaultsToRootAndRawFilesAreUntouched() throws {
        let tmp = try PrepProcess.tempDir(self)
        let root = try copyFixture("icdar2015-quirks", to: tmp)
        let before = try snapshot(root)
        let r = try PrepProcess.run(["icdar2015", root.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        var after = try snapshot(root)
        XCTAssertNotNil(after.removeValue(forKey: "instances_training.json"))
        XCTAssertNotNil(after.removeValue(forKey: "instances_test.json"))
        XCTAssertEqual(after, before, "no raw file changed, moved or added")
    }

    func testSameBytesForAnyNproc() throws {
        var outputs: [Data] = []
        for n in ["1", "2", "3"] {
            let out = try PrepProcess.tempDir(self)
            let r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-quirks").path, "-o", out.path, "--nproc", n, "-q"])
            XCTAssertEqual(r.status, 0)
            outputs.append(try Data(contentsOf: out.appendingPathComponent("instances_training.json")))
        }
        XCTAssertEqual(Set(outputs).count, 1)
    }

    func testEXIFApplySwapsSizes() throws {
        let out = try PrepProcess.tempDir(self)
        let r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-quirks").path, "--split-list", "training", "-o", out.path, "--exif", "apply", "-q"])
        XCTAssertEqual(r.status, 0)
        let det = try String(contentsOf: out.appendingPathComponent("instances_training.json"), encoding: .utf8)
        XCTAssertTrue(det.contains(#"{"file_name": "training/img_3.jpg", "height": 64, "width": 48"#), det)
        XCTAssertTrue(det.contains(#"{"file_name": "training/img_4.jpg", "height": 40, "width": 30"#), det)
    }

    func testHelpAndZoo() throws {
        let help = try PrepProcess.run(["icdar2015", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("Examples:") && help.stdout.contains("--split-list"), help.stdout)
        let viaHelp = try PrepProcess.run(["help", "icdar2015"])
        XCTAssertEqual(viaHelp.stdout, help.stdout)
        let root = try PrepProcess.run(["--help"])
        XCTAssertTrue(root.stdout.contains("icdar2017"), root.stdout)
        let zoo = try PrepProcess.run(["zoo"])
        XCTAssertTrue(zoo.stdout.contains("icdar2015") && zoo.stdout.contains("icdar2017"), zoo.stdout)
        let one = try PrepProcess.run(["zoo", "icdar2015"])
        XCTAssertEqual(one.status, 0)
        for needle in ["karatzas2015icdar", "license:", "expected layout:", "gt_img_1.txt", "c51cbace155dcc4d98c8dd19d378f30d"] {
            XCTAssertTrue(one.stdout.contains(needle), "zoo icdar2015 lacks \(needle)")
        }
        XCTAssertEqual(try PrepProcess.run(["zoo", "nope"]).status, 2)
    }

    /// A dataset command is parsed by `DatasetCommand` alone (the short way through
    /// ArgumentParser); whatever that cannot take — built-in flags, short-flag groups holding
    /// `h`, every error — goes the full way and reads exactly as before.
    func testDatasetArgumentsReadAsBeforeOnTheShortParse() throws {
        let fixture = PrepProcess.fixture("icdar2015-toy").path
        let help = try PrepProcess.run(["icdar2015", "--help"])
        let grouped = try PrepProcess.run(["icdar2015", fixture, "-qh"])
        XCTAssertEqual(grouped.status, 0)
        XCTAssertEqual(grouped.stdout, help.stdout, "-qh is -q -h: the help")
        XCTAssertEqual(try PrepProcess.run(["icdar2015", fixture, "--version"]).stdout, try PrepProcess.run(["--version"]).stdout)
        let usage = "Usage: prep icdar2015 [<options>] <root>\n  See 'prep icdar2015 --help' for more information."
        for (args, message) in [(["--nproc", "0"], "prep: error: Error: --nproc must be at least 1"),
                                (["--bogus"], "prep: error: Error: Unknown option '--bogus'. Did you mean '--jobs'?"),
                                (["--split-list"], "prep: error: Error: Missing value for '--split-list <split-list>'")] {
            let r = try PrepProcess.run(["icdar2015", fixture] + args)
            XCTAssertEqual(r.status, 2, "\(args)")
            XCTAssertTrue(r.stderr.hasPrefix(message + "\n"), "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(usage), "\(args): \(r.stderr)")
        }
        let missing = try PrepProcess.run(["icdar2015"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.hasPrefix("prep: error: Error: Missing expected argument '<root>'"), missing.stderr)
        // The short parse itself: the same outputs as ever.
        let out = try PrepProcess.tempDir(self)
        let r = try PrepProcess.run(["icdar2015", fixture, "--splits", "test", "-o", out.path, "--nproc", "1", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("instances_test.json")),
                       try Data(contentsOf: PrepProcess.fixture("expected/icdar2015-toy/instances_test.json")))
    }

    /// Relative path → content hash of every file under `root`.
    func snapshot(_ root: URL) throws -> [String: Int] {
        var out: [String: Int] = [:]
        let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])!
        for case let url as URL in e where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            out[String(url.path.dropFirst(root.path.count + 1))] = try Data(contentsOf: url).hashValue
        }
        return out
    }
}
