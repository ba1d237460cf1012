import Foundation
import XCTest

/// Issue 19's reproducers, run through the real binary: each was a crash, a hang or a write onto
/// an input before its fix (verified against the build of 40d4109).
final class HardeningTests: XCTestCase {
    /// Replaces `old` by `new` in a copied fixture file (the replacement must happen).
    func edit(_ url: URL, _ old: String, _ new: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        XCTAssertTrue(text.contains(old), "\(old) not in \(url.lastPathComponent)", file: file, line: line)
        try Data(text.replacingOccurrences(of: old, with: new).utf8).write(to: url)
    }

    /// Runs prep and fails (killing it) if it has not ended within `seconds`: these inputs used
    /// to block or read forever.
    func runWithin(_ seconds: Double, _ args: [String], env: [String: String] = [:]) throws -> PrepProcess.Result {
        let tmp = try PrepProcess.tempDir(self)
        let out = tmp.appendingPathComponent("out"), err = tmp.appendingPathComponent("err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let p = Process()
        p.executableURL = PrepProcess.binary
        p.arguments = args
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if p.isRunning {
            p.terminate()
            p.waitUntilExit()
            XCTFail("prep \(args.joined(separator: " ")) did not end within \(seconds) s")
        }
        p.waitUntilExit()
        return PrepProcess.Result(status: p.terminationStatus, stdout: try readText(tmp, "out"), stderr: try readText(tmp, "err"))
    }

    // MARK: 1. JSON numbers no integer holds

    func testHugeNumbersInTextOCRAreSkippedWithTheirPath() throws {
        for bad in ["1e300", "Infinity", "-3.4e39", "9223372036854775808"] {
            let root = try fixtureCopy("textocr-toy")
            try edit(root.appendingPathComponent("TextOCR_0.1_val.json"), #""bbox": [3.7, 4.2, 30.01, 8.0]"#, #""bbox": [3.7, 4.2, \#(bad), 8.0]"#)
            let r = try PrepProcess.run(["textocr", root.path])
            XCTAssertEqual(r.status, 0, bad + r.stderr)
            XCTAssertTrue(r.stdout.contains("TextOCR_0.1_val.json: imgs[ff00ab12cd34ef56]: anns[ff00ab12cd34ef56_1]: bbox[2] = "), bad + r.stdout)
            XCTAssertTrue(r.stdout.contains("is not a number prep can use as an integer"), bad + r.stdout)
        }
    }

    func testHugeMaskValueInCOCOTextIsSkipped() throws {
        let root = try fixtureCopy("cocotext-toy")
        try edit(root.appendingPathComponent("annotations/cocotext.v2.json"), #""mask": [4.6, 5.2, 40.9"#, #""mask": [4.6, -3.4e39, 40.9"#)
        let r = try PrepProcess.run(["cocotext", root.path])
        // The toy's one sound image is now skipped too, so nothing is written: exit 1 (issue 19, 6).
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stdout.contains("anns[1001]: mask[1] = -3.4e+39 is not a number prep can use as an integer"), r.stdout)
        XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)
    }

    func testConvertMMOCR1HugeHeightNamesTheRecord() throws {
        let tmp = try PrepProcess.tempDir(self)
        let src = tmp.appendingPathComponent("textdet_test.json")
        try FileManager.default.copyItem(at: PrepProcess.fixture("expected/icdar2015-toy/textdet_test.json"), to: src)
        let text = String(decoding: try Data(contentsOf: src), as: UTF8.self)
        let first = try XCTUnwrap(text.range(of: #""height": \d+"#, options: .regularExpression))
        try Data(text.replacingCharacters(in: first, with: #""height": -3.4e39"#).utf8).write(to: src)
        let r = try PrepProcess.run(["convert", src.path, "-o", tmp.appendingPathComponent("o.json").path, "--to", "coco"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("textdet_test.json data_list[0]: height = -3.4e+39 is not a number prep can use as an integer"), r.stdout)
        XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)
    }

    /// Found by the long fuzz run (seed 2028): an XFUND image size too large for an integer (a
    /// 1,000-digit number reads as infinity) crashed `prep xfund`; now the document is skipped
    /// with the field named. The same for an HF imagefolder `metadata.jsonl` read by `prep convert`.
    func testHugeImageSizesInXFUNDAndHFMetadataAreNamed() throws {
        let root = try fixtureCopy("xfund-toy")
        try edit(root.appendingPathComponent("zh.val.json"), #""width": 120"#, #""width": 1\#(String(repeating: "1", count: 400))"#)
        var r = try PrepProcess.run(["xfund", root.path, "--split-list", "val", "-o", root.appendingPathComponent("out").path])
        XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)
        XCTAssertTrue(r.stdout.contains("zh.val.json: documents[0]: img.width = Infinity is not a number prep can use as an integer"), r.stdout + r.stderr)

        let tmp = try PrepProcess.tempDir(self)
        let meta = tmp.appendingPathComponent("metadata.jsonl")
        try Data(#"{"file_name": "a.jpg", "width": 1e999, "height": 32, "objects": {"bbox": [[1, 2, 3, 4]], "text": ["x"]}}"#.utf8 + [0x0A]).write(to: meta)
        r = try PrepProcess.run(["convert", meta.path, "-o", tmp.appendingPathComponent("o.txt").path, "--to", "paddle"])
        XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)
        XCTAssertTrue((r.stdout + r.stderr).contains("width = Infinity is not a number prep can use as an integer"), r.stdout + r.stderr)
    }

    // MARK: 2. Damaged LMDB pages

    func testDamagedLMDBPageIsAnErrorForCatValidateConvert() throws {
        let tmp = try PrepProcess.tempDir(self)
        let db = tmp.appendingPathComponent("d.lmdb")
        try FileManager.default.createDirectory(at: db, withIntermediateDirectories: true)
        var bytes = [UInt8](try Data(contentsOf: PrepProcess.fixture("lmdb/rec-toy/imgs.lmdb/data.mdb")))
        bytes[2 * 4096 + 12] = 0xFF; bytes[2 * 4096 + 13] = 0xFF   // mp_lower of page 2
        try Data(bytes).write(to: db.appendingPathComponent("data.mdb"))
        for args in [["cat", db.path], ["validate", db.path], ["convert", db.path, "-o", tmp.appendingPathComponent("o.txt").path, "--to", "paddle"]] {
            let r = try PrepProcess.run(args)
            XCTAssertEqual(r.status, 1, "\(args[0]): \(r.stderr)")
            XCTAssertTrue((r.stdout + r.stderr).contains("damaged LMDB: page 2: bounds mp_lower 65535"), "\(args[0]): \(r.stdout + r.stderr)")
        }
    }

    // MARK: 3. Inputs that never end

    func testDevZeroAnnotationAndFIFOImageAreSkippedNotRead() throws {
        let root = try fixtureCopy("icdar2015-toy")
        let gt = root.appendingPathComponent("annotations/test/gt_img_1.txt")
        try FileManager.default.removeItem(at: gt)
        try FileManager.default.createSymbolicLink(atPath: gt.path, withDestinationPath: "/dev/zero")
        let img = root.appendingPathComponent("imgs/test/img_2.jpg")
        try FileManager.default.removeItem(at: img)
        XCTAssertEqual(mkfifo(img.path, 0o644), 0)
        let r = try runWithin(30, ["icdar2015", root.path, "--split-list", "test", "-o", root.appendingPathComponent("out").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("gt_img_1.txt: cannot open for reading: not a regular file but a character device"), r.stdout)
        XCTAssertTrue(r.stdout.contains("img_2.jpg: not a regular file but a FIFO (named pipe)"), r.stdout)
    }

    func testDevZeroLabelFileFailsForLMDBCatConvertValidate() throws {
        let tmp = try PrepProcess.tempDir(self)
        let labels = tmp.appendingPathComponent("label.txt")
        try FileManager.default.createSymbolicLink(atPath: labels.path, withDestinationPath: "/dev/zero")
        let runs = [["lmdb", labels.path, tmp.appendingPathComponent("o.lmdb").path, "--label-only"],
                    ["cat", labels.path], ["convert", labels.path, "-o", tmp.appendingPathComponent("o.json").path, "--to", "mmocr1"],
                    ["validate", labels.path]]
        for args in runs {
            let r = try runWithin(30, args)
            XCTAssertNotEqual(r.status, 0, args[0])
            XCTAssertTrue((r.stdout + r.stderr).contains("not a regular file but a character device"), "\(args[0]): \(r.stdout + r.stderr)")
        }
    }

    func testLineAndFileLimitsNameTheirVariable() throws {
        let tmp = try PrepProcess.tempDir(self)
        let imgs = PrepProcess.fixture("lmdb/rec-toy/imgs")
        let labels = tmp.appendingPathComponent("label.txt")
        let first = try String(contentsOf: PrepProcess.fixture("lmdb/rec-toy/label.txt"), encoding: .utf8).split(separator: "\n")[0]
        try Data("\(first)\n1223731.jpg \(String(repeating: "x", count: 5000))\n\(first)\n".utf8).write(to: labels)
        var r = try runWithin(30, ["lmdb", labels.path, tmp.appendingPathComponent("o.lmdb").path, "-i", imgs.path], env: ["PREP_MAX_LINE_LENGTH": "1K"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("label.txt:2: the line is longer than prep's limit of 1 KiB (4.9 KiB read; set PREP_MAX_LINE_LENGTH, e.g. PREP_MAX_LINE_LENGTH=8K"), r.stdout)
        let root = try fixtureCopy("textocr-toy")
        r = try runWithin(30, ["textocr", root.path], env: ["PREP_MAX_FILE_SIZE": "1K"])
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue((r.stdout + r.stderr).contains("over prep's limit of 1 KiB for one input file (set PREP_MAX_FILE_SIZE"), r.stdout + r.stderr)
    }

    // MARK: 4. Outputs written onto inputs

    /// A folder `in/` with the rec-toy images and label file.
    func recToy() throws -> URL {
        let dir = try PrepProcess.tempDir(self).appendingPathComponent("in")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: PrepProcess.fixture("lmdb/rec-toy/imgs"), to: dir.appendingPathComponent("imgs"))
        try FileManager.default.copyItem(at: PrepProcess.fixture("lmdb/rec-toy/label.txt"), to: dir.appendingPathComponent("label.txt"))
        return dir
    }

    func assertRefused(_ args: [String], _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try PrepProcess.run(args)
        XCTAssertEqual(r.status, 2, "\(args): \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)", file: file, line: line)
    }

    func testNoCommandWritesOntoItsInput() throws {
        let dir = try recToy()
        let imgs = dir.appendingPathComponent("imgs").path, label = dir.appendingPathComponent("label.txt").path
        let before = try FileManager.default.contentsOfDirectory(atPath: imgs).sorted()
        try assertRefused(["lmdb", label, imgs, "-i", imgs, "--force"], "\(imgs) is an input of this command")
        try assertRefused(["lmdb", label, dir.path, "-i", imgs, "--force"], "contains the input")
        // -i is a root names are resolved against: an LMDB may be written inside it, not over it.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: imgs).sorted(), before)
        let labelBytes = try Data(contentsOf: URL(fileURLWithPath: label))
        try assertRefused(["validate", label, "--report", label, "--skip-images"], "is an input of this command")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: label)), labelBytes)
        let kie = dir.appendingPathComponent("data.txt")
        try FileManager.default.copyItem(at: PrepProcess.fixture("kie-toy/data.txt"), to: kie)
        try assertRefused(["closeset-to-openset", kie.path, kie.path], "is an input of this command")
        let coco = dir.appendingPathComponent("instances_test.json")
        try FileManager.default.copyItem(at: PrepProcess.fixture("expected/icdar2015-toy/instances_test.json"), to: coco)
        try assertRefused(["coco-to-lines", coco.path, coco.path], "is an input of this command")
        try assertRefused(["convert", coco.path, "-o", coco.path, "--to", "coco", "--force"], "the output would replace the input")
        try assertRefused(["convert", coco.path, "-o", dir.appendingPathComponent("o.json").path, "--to", "coco", "--report", coco.path], "is an input of this command")
        XCTAssertEqual(try Data(contentsOf: coco), try Data(contentsOf: PrepProcess.fixture("expected/icdar2015-toy/instances_test.json")))
    }

    func testOutputLinkIntoTheDatasetIsResolved() throws {
        let root = try fixtureCopy("icdar2015-toy")
        let link = root.deletingLastPathComponent().appendingPathComponent("out")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: root.appendingPathComponent("imgs/test").path)
        try assertRefused(["icdar2015", root.path, "--split-list", "test", "-o", link.path], "lies inside the input folder")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("imgs/test/instances_test.json").path))
        // The default (outputs beside imgs/ in the root) is still fine.
        let r = try PrepProcess.run(["icdar2015", root.path, "--split-list", "test", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    func testForceNeverDeletesAFolderPrepDidNotWrite() throws {
        let dir = try recToy()
        let mine = dir.deletingLastPathComponent().appendingPathComponent("mine.lmdb")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: mine.appendingPathComponent("notes.txt"))
        let r = try PrepProcess.run(["lmdb", dir.appendingPathComponent("label.txt").path, mine.path, "-i", dir.appendingPathComponent("imgs").path, "--force", "-q"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("holds notes.txt, which prep did not write; it is not replaced, even with --force"), r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mine.path), ["notes.txt"])
        // An LMDB prep wrote is replaced by --force as before.
        let db = dir.deletingLastPathComponent().appendingPathComponent("db.lmdb")
        for _ in 0..<2 {
            let ok = try PrepProcess.run(["lmdb", dir.appendingPathComponent("label.txt").path, db.path, "-i", dir.appendingPathComponent("imgs").path, "--force", "-q"])
            XCTAssertEqual(ok.status, 0, ok.stderr)
        }
    }

    // MARK: 5. Names outside -i

    func testLMDBRefusesImageNamesOutsideTheImageFolder() throws {
        let dir = try recToy()
        let outside = dir.deletingLastPathComponent().appendingPathComponent("secret.jpg")
        try FileManager.default.copyItem(at: dir.appendingPathComponent("imgs/1223731.jpg"), to: outside)
        let labels = dir.appendingPathComponent("evil.txt")
        try Data("../secret.jpg A\n\(outside.path) B\n1223731.jpg GRAND\n".utf8).write(to: labels)
        let r = try PrepProcess.run(["lmdb", labels.path, dir.deletingLastPathComponent().appendingPathComponent("o.lmdb").path, "-i", dir.appendingPathComponent("imgs").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("evil.txt:1: image name '../secret.jpg' leaves the image folder"), r.stdout)
        XCTAssertTrue(r.stdout.contains("evil.txt:2: image name '\(outside.path)' leaves the image folder"), r.stdout)
        XCTAssertTrue(r.stdout.contains("o.lmdb        1"), r.stdout)
    }

    // MARK: 6. Skips: bounded report, zero samples is a failure

    func testAllSkippedIsAFailureEvenQuietAndTheReportKeepsTheFirstIssues() throws {
        let dir = try recToy()
        let labels = dir.appendingPathComponent("missing.txt")
        try Data((0..<40).map { "missing_\($0).jpg t\n" }.joined().utf8).write(to: labels)
        let report = dir.deletingLastPathComponent().appendingPathComponent("r.json")
        let r = try PrepProcess.run(["lmdb", labels.path, dir.deletingLastPathComponent().appendingPathComponent("o.lmdb").path,
                                     "-i", dir.appendingPathComponent("imgs").path, "-q", "--report", report.path], env: ["PREP_MAX_ISSUES": "5"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "prep: error: nothing was written: all 40 item(s) read were skipped (first: \(labels.path):1: missing_0.jpg: missing image)\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.deletingLastPathComponent().appendingPathComponent("o.lmdb").path))
        let j = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as! [String: Any]
        XCTAssertEqual((j["issues"] as! [Any]).count, 5)
        XCTAssertEqual(j["issues_not_listed"] as? [String: Int], ["skipped": 35])
        XCTAssertEqual((j["totals"] as! [String: Any])["skipped"] as? Int, 40)
    }

    // MARK: 7. Stale staging folders

    func testStaleStagingFolderOfADeadProcessIsRemovedAndNamed() throws {
        let dir = try PrepProcess.tempDir(self)
        // pid_max is at most 2^22 on Linux: this process cannot be running.
        let stale = dir.appendingPathComponent(".prep-tmp-4194305-deadbeef")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: stale.appendingPathComponent("instances_test.json").path, contents: Data())
        let live = dir.appendingPathComponent(".prep-tmp-\(getpid())-cafebabe")
        try FileManager.default.createDirectory(at: live, withIntermediateDirectories: true)
        let r = try PrepProcess.run(["convert", PrepProcess.fixture("expected/icdar2015-toy/instances_test.json").path,
                                     "-o", dir.appendingPathComponent("o.json").path, "--to", "coco"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("note: removed \(stale.path), a staging folder left by process 4194305, which is no longer running"), r.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: live.path), "a running process's staging folder stays")
    }

    // MARK: 8. validate: every number of every field; real data passes

    func testValidateFlagsNaNAndInfinityInAnyField() throws {
        let tmp = try PrepProcess.tempDir(self)
        let coco = tmp.appendingPathComponent("instances_test.json")
        try FileManager.default.copyItem(at: PrepProcess.fixture("expected/icdar2015-toy/instances_test.json"), to: coco)
        try edit(coco, #""bbox": [377.0, 117.0, 88.0, 13.0]"#, #""bbox": [NaN, 117.0, 88.0, 13.0]"#)
        try edit(coco, #""bbox": [493.0, 115.0, 26.0, 16.0]"#, #""bbox": [493.0, 115.0, 26.0, -Infinity]"#)
        var r = try PrepProcess.run(["validate", coco.path, "--skip-images"])
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains(#""bbox"[0] is NaN, which is not JSON"#), r.stdout)
        XCTAssertTrue(r.stdout.contains(#""bbox"[3] is -Infinity, which is not JSON"#), r.stdout)
        XCTAssertTrue(r.stdout.contains("non-json-number"), r.stdout)
        let m1 = tmp.appendingPathComponent("textdet_test.json")
        try FileManager.default.copyItem(at: PrepProcess.fixture("expected/icdar2015-toy/textdet_test.json"), to: m1)
        try edit(m1, #""bbox": [377.0, 117.0, 465.0, 130.0]"#, #""bbox": [377.0, 117.0, Infinity, 130.0]"#)
        r = try PrepProcess.run(["validate", m1.path, "--skip-images"])
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains("a number is Infinity, which is not JSON"), r.stdout)
        let labels = tmp.appendingPathComponent("val_label.jsonl")
        try Data(#"{"filename": "a.jpg", "text": "A", "score": NaN}"#.utf8).write(to: labels)
        r = try PrepProcess.run(["validate", labels.path, "--skip-images"])
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains(#""score" is NaN, which is not JSON"#), r.stdout)
    }

    func testValidatePassesTheRealICDAR2015ToySetAndFlagsRealDefects() throws {
        let upstream = PrepProcess.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/upstream-samples/icdar2015-toy")
        guard FileManager.default.fileExists(atPath: upstream.path) else { throw XCTSkip("../shared/upstream-samples not present") }
        let root = try PrepProcess.tempDir(self).appendingPathComponent("icdar2015")
        try FileManager.default.copyItem(at: upstream, to: root)
        var r = try PrepProcess.run(["icdar2015", root.path, "--split-list", "test", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let coco = root.appendingPathComponent("instances_test.json")
        r = try PrepProcess.run(["validate", coco.path, "--images", root.appendingPathComponent("imgs").path, "--decode"])
        XCTAssertEqual(r.status, 0, r.stdout)
        XCTAssertTrue(r.stdout.contains("passed — 0 error(s)"), r.stdout)
        // A point 1 px outside (within --tolerance 2) is a warning; 30 px outside is an error.
        try edit(coco, "[[377, 117, 463, 117, 465, 130, 378, 130]]", "[[377, 117, 463, 117, 1281, 130, 378, 130]]")
        r = try PrepProcess.run(["validate", coco.path, "--images", root.appendingPathComponent("imgs").path])
        XCTAssertEqual(r.status, 0, r.stdout)
        XCTAssertTrue(r.stdout.contains("point-slightly-outside"), r.stdout)
        try edit(coco, "[[377, 117, 463, 117, 1281, 130, 378, 130]]", "[[377, 117, 463, 117, 1310, 130, 378, 130]]")
        r = try PrepProcess.run(["validate", coco.path, "--images", root.appendingPathComponent("imgs").path])
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains("point-outside-image"), r.stdout)
    }

    // MARK: prep --help

    func testHelpDatasetListIsATable() throws {
        let r = try PrepProcess.run(["--help"])
        XCTAssertEqual(r.status, 0)
        let lines = r.stdout.components(separatedBy: "\n")
        let start = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("Datasets (") }) + 1
        let table = lines[start...].prefix { !$0.isEmpty }
        XCTAssertGreaterThan(table.count, 30)
        let column = try XCTUnwrap(table.first { $0.hasPrefix("  curvedsyntext150k") }).firstIndex(of: "C").map { table.first!.distance(from: table.first!.startIndex, to: $0) }
        for line in table {
            XCTAssertLessThanOrEqual(line.count, 79, line)
            XCTAssertTrue(line.hasPrefix("  "), line)
            // Every title (and every continuation) starts at the same column.
            XCTAssertEqual(line.count > column! ? line[line.index(line.startIndex, offsetBy: column! - 1)] : " ", " ", line)
        }
        XCTAssertTrue(table.contains { $0.hasPrefix(String(repeating: " ", count: column!)) && $0.contains("and Script Identification") }, table.joined(separator: "\n"))
    }
}
