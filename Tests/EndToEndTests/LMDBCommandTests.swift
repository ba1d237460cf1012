import Foundation
import XCTest
import PrepCore
import PrepFormats

/// `prep lmdb` and `prep cat` through the real binary. Golden LMDBs in fixtures/lmdb/rec-toy and
/// fixtures/lmdb/unicode were made by the reference (MMOCR 0.6.3 lmdb_converter.py); the
/// expectations for fixtures/lmdb/messy are derived by hand from its label files.
final class LMDBCommandTests: XCTestCase {
    private func fixture(_ path: String) -> String { PrepProcess.fixture("lmdb/" + path).path }

    /// Every key and value of an LMDB, in key order.
    private func dump(_ path: String) throws -> [(String, [UInt8])] {
        let env = try LMDBEnvironment(readingAt: URL(fileURLWithPath: path))
        return try env.read { r in
            var out: [(String, [UInt8])] = []
            try r.forEach { k, v in out.append((String(decoding: k, as: UTF8.self), v)); return true }
            return out
        }
    }

    private func assertSameContent(_ a: String, _ b: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let x = try dump(a), y = try dump(b)
        XCTAssertEqual(x.map(\.0), y.map(\.0), "keys differ", file: file, line: line)
        for ((k, v), (_, w)) in zip(x, y) where v != w {
            XCTFail("value of \(k) differs", file: file, line: line)
        }
    }

    func testReproducesTheReferenceLMDBsKeyForKey() throws {
        let dir = try PrepProcess.tempDir(self)
        let runs: [([String], String)] = [
            (["lmdb", fixture("rec-toy/label.txt"), dir.path + "/a.lmdb", "-i", fixture("rec-toy/imgs")], "rec-toy/imgs.lmdb"),
            (["lmdb", fixture("rec-toy/label.jsonl"), dir.path + "/b.lmdb", "-i", fixture("rec-toy/imgs")], "rec-toy/imgs.lmdb"),
            (["lmdb", fixture("rec-toy/label.txt"), dir.path + "/c.lmdb", "--label-only"], "rec-toy/label.lmdb"),
            (["lmdb", fixture("rec-toy/label.jsonl"), dir.path + "/d.lmdb", "--label-only", "-f", "jsonl"], "rec-toy/label.lmdb"),
            (["lmdb", fixture("unicode/label.jsonl"), dir.path + "/e.lmdb", "--label-only"], "unicode/reference-label.lmdb"),
        ]
        for (args, golden) in runs {
            let r = try PrepProcess.run(args + ["-q"])
            XCTAssertEqual(r.status, 0, r.stderr)
            try assertSameContent(args[2], fixture(golden))
        }
        // Nothing but the outputs is left in the output folder (no staging folder).
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(),
                       ["a.lmdb", "b.lmdb", "c.lmdb", "d.lmdb", "e.lmdb"])
    }

    func testMessyLabelFileGivesCorrectLMDBAndNamesEverySkippedLine() throws {
        let dir = try PrepProcess.tempDir(self)
        let out = dir.path + "/m.lmdb", report = dir.path + "/r.json"
        let r = try PrepProcess.run(["lmdb", fixture("messy/label.txt"), out, "-i", fixture("messy/imgs"), "--report", report])
        XCTAssertEqual(r.status, 0, r.stderr)
        let expected: [(String, String)] = [
            ("1223731.jpg", "GRAND"), ("1223733.jpg", "HOTEL PACIFIC"), ("1036169.jpg", "03/09/2009"),
            ("1058892.jpg", "a b  c"), ("1240078.jpg", "ATTACK"), ("1210236.jpg", "Ünïcödé 文字"),
        ]
        let content = Dictionary(uniqueKeysWithValues: try dump(out))
        XCTAssertEqual(content.count, 2 * expected.count + 1)
        XCTAssertEqual(content["num-samples"], Array("6".utf8))
        for (i, (name, text)) in expected.enumerated() {
            let n = String(format: "%09d", i + 1)
            XCTAssertEqual(content["label-\(n)"], Array(text.utf8))
            XCTAssertEqual(content["image-\(n)"], [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture("messy/imgs/" + name)))))
        }
        let json = try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: report))))
        let issues = json["issues"]?.array ?? []
        let lines = issues.compactMap { $0["line"]?.number.map(Int.init) }
        XCTAssertEqual(lines, [3, 5, 6, 7, 8, 9])
        let reasons = issues.compactMap { $0["reason"]?.string }
        XCTAssertEqual(reasons[0], "blank line")
        XCTAssertTrue(reasons[2].hasPrefix("truncated.jpg: truncated"), reasons[2])
        XCTAssertEqual(reasons[3], "missing.jpg: missing image")
        XCTAssertEqual(reasons[4], "not valid UTF-8 at byte 16 of the line (0xFF)")
        XCTAssertTrue(r.stdout.contains("label.txt:6: truncated.jpg: truncated"), r.stdout)

        // prep cat reads back what prep wrote.
        let cat = try PrepProcess.run(["cat", out])
        XCTAssertEqual(cat.status, 0, cat.stderr)
        XCTAssertEqual(cat.stdout.split(separator: "\n").first,
                       #"{"filename": "image-000000001", "text": "GRAND", "width": 67, "height": 26}"#)
        XCTAssertEqual(cat.stdout.split(separator: "\n").count, 6)
    }

    func testLabelOnlyFromMessyJsonlAndReadBack() throws {
        let dir = try PrepProcess.tempDir(self)
        let out = dir.path + "/j.lmdb"
        let r = try PrepProcess.run(["lmdb", fixture("messy/label.jsonl"), out, "--label-only"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("label.jsonl:4: not JSON"), r.stdout)
        XCTAssertTrue(r.stdout.contains("label.jsonl:7: \"text\" is not a string"), r.stdout)
        let cat = try PrepProcess.run(["cat", out])
        XCTAssertEqual(cat.stdout, """
            {"filename": "1223731.jpg", "text": "GRAND"}
            {"filename": "1223733.jpg", "text": "HOTEL PACIFIC"}
            {"filename": "truncated.jpg", "text": "CUT"}
            {"filename": "1210236.jpg", "text": "Ünïcödé 文字"}

            """)
    }

    func testExistingOutputNeedsForceAndLeavesNoStaleKeys() throws {
        let dir = try PrepProcess.tempDir(self)
        let out = dir.path + "/o.lmdb"
        XCTAssertEqual(try PrepProcess.run(["lmdb", fixture("rec-toy/label.txt"), out, "--label-only", "-q"]).status, 0)
        let refused = try PrepProcess.run(["lmdb", fixture("messy/label.txt"), out, "--label-only", "-q"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("already exists; use --force"), refused.stderr)
        XCTAssertEqual(try dump(out).count, 11)
        let forced = try PrepProcess.run(["lmdb", fixture("messy/label.txt"), out, "--label-only", "-q", "--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        let keys = try dump(out).map(\.0)
        XCTAssertEqual(keys.count, 9 + 1)
        XCTAssertFalse(keys.contains("label-000000010"))
    }

    func testStrictFailsAndWritesNothing() throws {
        let dir = try PrepProcess.tempDir(self)
        let r = try PrepProcess.run(["lmdb", fixture("messy/label.txt"), dir.path + "/s.lmdb", "-i", fixture("messy/imgs"), "--strict"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }

    func testTabSeparatorReadsClovaaiGroundTruth() throws {
        let dir = try PrepProcess.tempDir(self)
        let gt = dir.appendingPathComponent("gt.txt")
        try "1223731.jpg\tNew York\n1223733.jpg\ta\tb\n".write(to: gt, atomically: true, encoding: .utf8)
        let out = dir.path + "/t.lmdb"
        let r = try PrepProcess.run(["lmdb", gt.path, out, "-i", fixture("rec-toy/imgs"), "--separator", "tab", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let content = Dictionary(uniqueKeysWithValues: try dump(out))
        XCTAssertEqual(content["label-000000001"], Array("New York".utf8))
        XCTAssertEqual(content["label-000000002"], Array("a\tb".utf8))
        XCTAssertEqual(try PrepProcess.run(["cat", gt.path, "--separator", "tab", "--rest-in-last-key"]).stdout,
                       "{\"filename\": \"1223731.jpg\", \"text\": \"New York\"}\n{\"filename\": \"1223733.jpg\", \"text\": \"a\\tb\"}\n")
    }

    func testUsageErrors() throws {
        let dir = try PrepProcess.tempDir(self)
        // The reference's -m and -e are accepted (map size ignored; only UTF-8).
        let compat = try PrepProcess.run(["lmdb", fixture("rec-toy/label.txt"), dir.path + "/m.lmdb", "--label-only",
                                          "-m", "1099511627776", "-e", "utf8", "-b", "3", "-q"])
        XCTAssertEqual(compat.status, 0, compat.stderr)
        XCTAssertEqual(try dump(dir.path + "/m.lmdb").count, 11)
        XCTAssertEqual(try PrepProcess.run(["lmdb", fixture("rec-toy/label.txt"), dir.path + "/x.lmdb", "--label-only", "-e", "latin1"]).status, 2)
        XCTAssertEqual(try PrepProcess.run(["lmdb", fixture("rec-toy/label.txt"), dir.path + "/u.lmdb"]).status, 2)
        XCTAssertEqual(try PrepProcess.run(["lmdb", fixture("rec-toy/label.txt"), dir.path + "/u.lmdb", "--label-only", "-b", "0"]).status, 2)
        XCTAssertEqual(try PrepProcess.run(["cat", fixture("rec-toy/label.lmdb"), "--parser", "line-str"]).status, 2)
    }

    func testMissingInputsFailClearly() throws {
        let dir = try PrepProcess.tempDir(self)
        let noImages = try PrepProcess.run(["lmdb", fixture("rec-toy/label.txt"), dir.path + "/x.lmdb", "-i", dir.path + "/nope", "-q"])
        XCTAssertEqual(noImages.status, 1)
        XCTAssertTrue(noImages.stderr.contains("no such image folder"), noImages.stderr)
        let noLabels = try PrepProcess.run(["lmdb", dir.path + "/nope.txt", dir.path + "/x.lmdb", "--label-only", "-q"])
        XCTAssertEqual(noLabels.status, 1)
        XCTAssertTrue(noLabels.stderr.contains("no such label file"), noLabels.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }

    func testBadLMDBsGiveClearErrorsNeverACrash() throws {
        let cases: [(String, String)] = [
            ("rec-toy/broken.lmdb", "image-000000001: truncated"),
            ("damaged/cut.lmdb", "damaged LMDB: the file is cut short"),
            ("damaged/garbage.lmdb", "not an LMDB database"),
            ("damaged/nocount.lmdb", "neither 'num-samples' nor the deprecated 'total_number'"),
            ("damaged/missingkey.lmdb", "missing key 'label-000000002'"),
        ]
        for (path, message) in cases {
            let r = try PrepProcess.run(["cat", fixture(path)])
            XCTAssertEqual(r.status, 1, "\(path): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(message), "\(path): \(r.stderr)")
        }
    }

    func testCatNonUTF8LabelFileNamesLineAndByte() throws {
        let r = try PrepProcess.run(["cat", fixture("messy/label.txt"), "--rest-in-last-key"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("label.txt:8: not valid UTF-8 at byte 16 of the line (0xFF)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("label.txt:3: blank line"), r.stderr)
        XCTAssertTrue(r.stdout.contains(#"{"filename": "1223733.jpg", "text": "HOTEL PACIFIC"}"#), r.stdout)
    }

    func testCatDeprecatedLayoutAndHead() throws {
        let r = try PrepProcess.run(["cat", fixture("deprecated.lmdb"), "--keys", "filename", "--head", "3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "{\"filename\": \"a.jpg\"}\n{\"filename\": \"b.jpg\"}\n{\"filename\": \"c.jpg\"}\n")
    }
}
