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
}
