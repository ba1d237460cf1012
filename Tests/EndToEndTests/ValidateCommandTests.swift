import Foundation
import XCTest

/// `prep validate` on fixtures/validate: one instance of each anomaly in `seeded/` (listed by
/// its generator in `seeded/expected.json`), nothing in `clean/`.
final class ValidateCommandTests: XCTestCase {
    let seeded = PrepProcess.fixture("validate/seeded")
    let seededArgs = ["validate", "training=instances_training.json", "test=instances_test.json",
                      "training=train_label.txt", "training=train.lmdb",
                      "--decode", "--charset", "charset.txt", "--max-len", "25"]

    private func report(_ url: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    func testSeededFindsEachAnomalyOnceWithFileAndLine() throws {
        let tmp = try PrepProcess.tempDir(self)
        let out = tmp.appendingPathComponent("report.json")
        let r = try PrepProcess.run(seededArgs + ["--report", out.path], cwd: seeded)
        XCTAssertEqual(r.status, 1, r.stderr)
        let json = try report(out)
        let anomalies = json["anomalies"] as! [[String: Any]]
        func key(_ a: [String: Any]) -> String { "\(a["type"]!) \(a["file"]!):\(a["line"].flatMap { $0 as? Int }.map(String.init) ?? "-")" }
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: seeded.appendingPathComponent("expected.json"))) as! [[String: Any]]
        XCTAssertEqual(anomalies.map(key).sorted(), expected.map(key).sorted())
        // Every anomaly kind is seeded (duplicate-id twice: an image id and an annotation id).
        let kinds = Set(anomalies.map { $0["type"] as! String })
        XCTAssertEqual(kinds.count, 29)
        let summary = json["summary"] as! [String: Any]
        XCTAssertEqual(summary["errors"] as? Int, 18)
        XCTAssertEqual(summary["warnings"] as? Int, 12)
        XCTAssertEqual(summary["passed"] as? Bool, false)
        // Severities are the documented ones.
        let sev = Dictionary(anomalies.map { ($0["type"] as! String, $0["severity"] as! String) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(sev["point-outside-image"], "error")
        XCTAssertEqual(sev["point-slightly-outside"], "warning")
        XCTAssertEqual(sev["image-in-two-splits"], "error")
        XCTAssertEqual(sev["exif-orientation"], "warning")
        // Statistics per split.
        let splits = (json["statistics"] as! [String: Any])["splits"] as! [[String: Any]]
        XCTAssertEqual(splits.map { $0["split"] as! String }, ["training", "test"])
        XCTAssertEqual(splits[0]["images"] as? Int, 9)
        XCTAssertEqual(splits[0]["labels"] as? Int, 4)
        XCTAssertEqual(splits[1]["instances"] as? Int, 2)
        XCTAssertTrue(r.stdout.contains("prep validate: FAILED — 18 error(s), 12 warning(s)"), r.stdout)
    }

    func testCleanPassesStrict() throws {
        let r = try PrepProcess.run(["validate", "instances_training.json", "instances_test.json", "training=train_label.txt",
                                     "--decode", "--charset", "charset.txt", "--max-len", "25", "--strict"],
                                    cwd: PrepProcess.fixture("validate/clean"))
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("passed — 0 error(s), 0 warning(s)"), r.stdout)
    }

    func testWarningsFailOnlyUnderStrict() throws {
        // test split alone: no errors; t_1 duplicates nothing there. The exif page alone: a warning.
        let tmp = try PrepProcess.tempDir(self)
        let coco = tmp.appendingPathComponent("instances_x.json")
        try #"{"images": [{"file_name": "p_exif.jpg", "height": 80, "width": 100, "id": 0}], "annotations": []}"#
            .write(to: coco, atomically: true, encoding: .utf8)
        let base = ["validate", coco.path, "--images", seeded.path]
        XCTAssertEqual(try PrepProcess.run(base).status, 0)
        XCTAssertEqual(try PrepProcess.run(base + ["--strict"]).status, 1)
    }

    func testGithubAndJSONFormats() throws {
        let gh = try PrepProcess.run(seededArgs + ["--format", "github", "--quiet"], cwd: seeded)
        XCTAssertEqual(gh.status, 1)
        let lines = gh.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 30)
        XCTAssertTrue(lines.contains { $0.hasPrefix("::error file=instances_training.json,line=21,title=prep point-outside-image::") }, gh.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("::warning file=train_label.txt") == false && $0.hasPrefix("::error file=train_label.txt,line=3,title=prep parse-error::") })
        let js = try PrepProcess.run(seededArgs + ["--format", "json"], cwd: seeded)
        let obj = try JSONSerialization.jsonObject(with: Data(js.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((obj["anomalies"] as! [Any]).count, 30)
    }

    func testSyntaxErrorGivesLineAndByte() throws {
        let tmp = try PrepProcess.tempDir(self)
        let coco = tmp.appendingPathComponent("instances_bad.json")
        try "{\"images\": [\n{\"file_name\": \"a.jpg\", \"height\": 1, \"width\": 1, \"id\": 0},\n{\"file_name\": \"b.jpg\" \"height\": 1}\n]}\n"
            .write(to: coco, atomically: true, encoding: .utf8)
        let out = tmp.appendingPathComponent("r.json")
        let r = try PrepProcess.run(["validate", coco.path, "--skip-images", "--report", out.path])
        XCTAssertEqual(r.status, 1)
        let a = (try report(out)["anomalies"] as! [[String: Any]])
        XCTAssertEqual(a.count, 1)
        XCTAssertEqual(a[0]["type"] as? String, "parse-error")
        XCTAssertEqual(a[0]["line"] as? Int, 3)
        XCTAssertEqual(a[0]["offset"] as? Int, 93)  // json.loads: "line 3 column 23 (char 93)"
    }

    func testUnknownInputIsAUsageError() throws {
        let r = try PrepProcess.run(["validate", PrepProcess.fixture("validate/seeded/p_ok.jpg").path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("not a format prep can validate"), r.stderr)
    }
}
