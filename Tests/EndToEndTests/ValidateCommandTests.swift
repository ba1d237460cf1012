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

    private func anomalies(_ args: [String], cwd: URL? = nil) throws -> (Int32, [[String: Any]]) {
        let out = try PrepProcess.tempDir(self).appendingPathComponent("r.json")
        let r = try PrepProcess.run(args + ["--report", out.path, "-q"], cwd: cwd)
        return (r.status, try report(out)["anomalies"] as! [[String: Any]])
    }

    func testLMDBImagesAndCounts() throws {
        let lmdb = PrepProcess.fixture("lmdb")
        let (status, a) = try anomalies(["validate", "rec-toy/broken.lmdb", "rec-toy/imgs.lmdb", "damaged/missingkey.lmdb", "--decode"], cwd: lmdb)
        XCTAssertEqual(status, 1)
        XCTAssertEqual(a.map { "\($0["type"]!) \($0["file"]!) \($0["item"]!)" }, [
            "image-truncated rec-toy/broken.lmdb image-000000001",
            "num-samples-mismatch damaged/missingkey.lmdb label-000000002",
        ])
    }

    func testDetectionLineJSONAndDisplayedExifSize() throws {
        let tmp = try PrepProcess.tempDir(self)
        let exif = PrepProcess.fixture("images/exif_o6.jpg")
        let info = try PrepProcess.run(["validate", "x=" + exif.path]).stderr
        XCTAssertTrue(info.contains("not a format"), info)
        // exif_o6.jpg: check its stored size through a first run, then record the displayed one.
        let jsonl = tmp.appendingPathComponent("det.jsonl")
        func write(_ w: Int, _ h: Int) throws {
            try """
            {"file_name": "\(exif.path)", "height": \(h), "width": \(w), "annotations": [{"iscrowd": 0, "bbox": [1, 1, 4, 4], "segmentation": [[1, 1, 5, 1, 5, 5, 1, 5]], "text": "ok"}]}
            {"file_name": "\(exif.path)", "height": \(h), "width": \(w), "annotations": [{"iscrowd": 0, "segmentation": [[1, 1, 5, 1, 5]], "text": "ok"}]}

            """.write(to: jsonl, atomically: true, encoding: .utf8)
        }
        try write(1, 1)
        var (_, a) = try anomalies(["validate", jsonl.path])
        let mismatch = a.first { $0["type"] as? String == "image-size-mismatch" }!["message"] as! String
        // "the annotation says 1x1, the file is WxH"
        let size = mismatch.components(separatedBy: "the file is ").last!.split(separator: "x").map { Int($0)! }
        try write(size[1], size[0])
        (_, a) = try anomalies(["validate", jsonl.path])
        // The displayed size is accepted (no image-size-mismatch); the same photo twice is a
        // duplicate; the record's own finding comes before its image's on the same line.
        XCTAssertEqual(a.map { "\($0["type"]!) \($0["line"]!)" },
                       ["exif-orientation 1", "odd-coordinates 2", "exif-orientation 2", "duplicate-image 2"])
    }

    func testReportIsTheSameForAnyNproc() throws {
        let tmp = try PrepProcess.tempDir(self)
        var reports: [String] = []
        for n in ["1", "2", "3"] {
            let out = tmp.appendingPathComponent("r\(n).json")
            try PrepProcess.run(seededArgs + ["--report", out.path, "--nproc", n, "-q"], cwd: seeded)
            var text = try String(contentsOf: out, encoding: .utf8)
            text = text.replacingOccurrences(of: #""seconds": [0-9.e-]+"#, with: "", options: .regularExpression)
            reports.append(text)
        }
        XCTAssertEqual(reports[0], reports[1])
        XCTAssertEqual(reports[0], reports[2])
    }
}
