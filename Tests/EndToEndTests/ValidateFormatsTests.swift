import XCTest

/// `prep validate` over MMOCR 1.x JSON and PaddleOCR labels, the formats read through the
/// format layer: clean outputs of `prep icdar2015 --to …` pass, seeded problems are found with
/// their file and line (or JSON element).
final class ValidateFormatsTests: XCTestCase {
    func prepare(_ to: String, in dir: URL) throws -> URL {
        let out = dir.appendingPathComponent(to)
        let r = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-toy").path, "--split-list", "test", "-o", out.path, "--to", to, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return out
    }

    func report(_ args: [String]) throws -> (status: Int32, json: [String: Any]) {
        let r = try PrepProcess.run(["validate"] + args + ["--format", "json"])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout + r.stderr)
        return (r.status, json)
    }

    func anomalies(_ json: [String: Any]) -> [[String: Any]] { json["anomalies"] as? [[String: Any]] ?? [] }

    func testCleanOutputsPass() throws {
        let dir = try PrepProcess.tempDir(self)
        let m1 = try prepare("mmocr1", in: dir)
        let pd = try prepare("paddle", in: dir)
        for file in [m1.appendingPathComponent("textdet_test.json"), pd.appendingPathComponent("det_gt_test.txt")] {
            let (status, json) = try report([file.path])
            XCTAssertEqual(status, 0, "\(file.lastPathComponent): \(anomalies(json))")
            let splits = (json["statistics"] as? [String: Any])?["splits"] as? [[String: Any]]
            XCTAssertEqual(splits?.first?["split"] as? String, "test", "split name from \(file.lastPathComponent)")
            XCTAssertEqual(splits?.first?["images"] as? Int, 10)
            XCTAssertEqual(splits?.first?["instances"] as? Int, 82)
        }
    }

    func testSeededProblemsAreFoundWhereTheyAre() throws {
        let dir = try PrepProcess.tempDir(self)
        let pd = try prepare("paddle", in: dir)
        let det = pd.appendingPathComponent("det_gt_test.txt")
        var lines = try String(contentsOf: det, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[2] = lines[2].replacingOccurrences(of: "\t", with: " ")          // line 3: no tab
        lines[4] = lines[4].replacingOccurrences(of: "images/test/img_4.jpg", with: "images/test/missing.jpg")  // line 5
        try lines.joined(separator: "\n").write(to: det, atomically: true, encoding: .utf8)
        let (status, json) = try report([det.path])
        XCTAssertEqual(status, 1)
        let found = anomalies(json).map { "\($0["type"] ?? "")@\($0["line"] ?? "-")" }.sorted()
        XCTAssertEqual(found, ["image-missing@5", "parse-error@3"], "\(anomalies(json))")
    }

    func testMMOCR1ProblemsNameTheElement() throws {
        let dir = try PrepProcess.tempDir(self)
        let m1 = try prepare("mmocr1", in: dir)
        let det = m1.appendingPathComponent("textdet_test.json")
        let text = try String(contentsOf: det, encoding: .utf8)
            .replacingOccurrences(of: "[377.0, 117.0, 463.0, 117.0, 465.0, 130.0, 378.0, 130.0]", with: "[377.0, 117.0, 463.0, 117.0, 465.0, 130.0, 378.0]")
        try text.write(to: det, atomically: true, encoding: .utf8)
        let (status, json) = try report([det.path])
        XCTAssertEqual(status, 1)
        let found = anomalies(json)
        // The MMOCR 1.x reader rejects the malformed record itself: a structure error at its element.
        XCTAssertEqual(found.map { $0["type"] as? String }, ["parse-error"], "\(found)")
        XCTAssertEqual(found.first?["item"] as? String, "data_list[0]")
        XCTAssertEqual(found.first?["file"] as? String, det.path)
        XCTAssertTrue((found.first?["message"] as? String ?? "").contains("polygon"))
    }
}
