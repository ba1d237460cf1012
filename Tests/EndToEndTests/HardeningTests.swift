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
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("anns[1001]: mask[1] = -3.4e+39 is not a number prep can use as an integer"), r.stdout)
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
}
