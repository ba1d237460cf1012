import Foundation
import XCTest

/// CurvedSynText150k (`prep curvedsyntext150k ROOT`) against MMOCR 0.6.3's
/// common/curvedsyntext_converter.py: goldens fixtures/expected/curvedsyntext-toy/ are the
/// reference's own output on fixtures/curvedsyntext-toy (fixtures/tools/make_curvedsyntext_fixtures.py
/// --golden), byte for byte; curvedsyntext-unk holds unknown characters, which only prep handles.
final class CurvedSynTextTests: XCTestCase {
    func testMatchesReferenceByteForByte() throws {
        let root = try fixtureCopy("curvedsyntext-toy")
        let out = try PrepProcess.tempDir(self)
        var r = try PrepProcess.run(["curvedsyntext150k", root.path, "-o", out.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try readText(out, "instances_training.json"), try golden("curvedsyntext-toy", "instances_training.json"))
        // -n 7 (the reference's option name), any worker count: same bytes as the reference.
        r = try PrepProcess.run(["curvedsyntext150k", root.path, "-o", out.path, "-n", "7", "--nproc", "2", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try readText(out, "instances_training.json"), try golden("curvedsyntext-toy", "instances_training_n7.json"))
    }

    /// Every annotation already carries its text: `--task spotting` writes the same file and says so.
    func testSpottingIsTheDetFile() throws {
        let out = try PrepProcess.tempDir(self)
        let r = try PrepProcess.run(["curvedsyntext150k", PrepProcess.fixture("curvedsyntext-toy").path, "--task", "spotting", "-o", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("it serves det and spotting"), r.stdout)
        XCTAssertEqual(try readText(out, "instances_training.json"), try golden("curvedsyntext-toy", "instances_training.json"))
    }

    func testUnknownCharacterIsReportedNotACrash() throws {
        let root = try fixtureCopy("curvedsyntext-unk")
        let r = try PrepProcess.run(["curvedsyntext150k", root.path, "--num-sample", "4"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("train1.json: annotations[2] (id 3): 1 unknown character(s) (rec index 95) written as 口"), r.stdout)
        XCTAssertTrue(r.stdout.contains("train2.json: annotations[1] (id 2): 2 unknown character(s)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("7 unknown character(s)"), r.stdout)
        let j = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("instances_training.json"))) as! [String: Any]
        let anns = j["annotations"] as! [[String: Any]]
        XCTAssertEqual(anns.map { $0["text"] as! String }, ["caf口", "ok", "caf口", "ok", "caf口", "ok", "口口x", "口口x"])
        // Part 2's ids are shifted by part 1's largest id + 1 (as the reference): 1, 2 → 8, 9;
        // image ids 1, 2 → 5, 6.
        XCTAssertEqual(anns.map { $0["id"] as! Int }, [1, 2, 3, 4, 5, 6, 8, 9])
        XCTAssertEqual(anns.map { $0["image_id"] as! Int }, [1, 1, 2, 2, 3, 3, 5, 6])
        XCTAssertEqual((anns[0]["segmentation"] as! [[Double]])[0].count, 16)
        XCTAssertNil(anns[0]["rec"])
        // Unknown characters are warnings, not skips: --strict still succeeds.
        XCTAssertEqual(try PrepProcess.run(["curvedsyntext150k", root.path, "--strict", "-q"]).status, 0)
    }

    func testBadInput() throws {
        let root = try fixtureCopy("curvedsyntext-toy")
        let ann = root.appendingPathComponent("train2.json")
        let text = try readText(root, "train2.json")
        // An annotation without `rec` and one with a 12-number bezier_pts: each skipped and named.
        var broken = text.replacingOccurrences(of: "\"rec\": [69, 77", with: "\"rek\": [69, 77")
        broken = broken.replacingOccurrences(of: "\"bezier_pts\": [", with: "\"bezier_pts\": [1, 2, 3, 4, ", options: [], range: broken.range(of: "\"id\": 3,").map { broken.startIndex..<$0.lowerBound })
        XCTAssertNotEqual(broken, text)
        try Data(broken.utf8).write(to: ann)
        var r = try PrepProcess.run(["curvedsyntext150k", root.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("train2.json: annotations[0]: no 'rec' list"), r.stdout)
        r = try PrepProcess.run(["curvedsyntext150k", root.path, "--strict", "-q"])
        XCTAssertEqual(r.status, 1)
        // Truncated JSON: exit 1 naming the file and the byte position; nothing written.
        let out = try PrepProcess.tempDir(self)
        try Data(text.utf8.prefix(500)).write(to: ann)
        r = try PrepProcess.run(["curvedsyntext150k", root.path, "-o", out.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("train2.json") && r.stderr.contains("at byte"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("instances_training.json").path))
        // A missing part: exit 1.
        try FileManager.default.removeItem(at: ann)
        r = try PrepProcess.run(["curvedsyntext150k", root.path, "-o", out.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("train2.json: missing"), r.stderr)
        // Other targets go through prep convert.
        XCTAssertEqual(try PrepProcess.run(["curvedsyntext150k", root.path, "--to", "mmocr1"]).status, 2)
        // --num-sample belongs to this dataset only.
        XCTAssertEqual(try PrepProcess.run(["icdar2015", root.path, "-n", "3"]).status, 2)
    }
}
