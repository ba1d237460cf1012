import XCTest
import PrepCore
@testable import PrepPipeline

final class DatasetRunnerTests: XCTestCase {
    var repo: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func run(_ fixture: String, dataset: String, splits: [String]? = nil, workers: Int = 1, out: URL) throws -> RunReport {
        let recipe = try XCTUnwrap(try Zoo.load().recipe(dataset))
        let job = DatasetJob(recipe: recipe, root: repo.appendingPathComponent("fixtures/\(fixture)"), outputDirectory: out,
                             splits: splits, workers: workers)
        let report = RunReport(command: dataset)
        try DatasetRunner(job: job).run(report: report)
        return report
    }

    func testQuirksAreSkippedWithReasons() throws {
        let out = try tempDir()
        let report = try run("icdar2015-quirks", dataset: "icdar2015", out: out)
        let skipped = report.issues.map { issue -> String in
            let rel = issue.file.replacingOccurrences(of: repo.path + "/fixtures/icdar2015-quirks/", with: "")
            return (issue.line.map { "\(rel):\($0)" } ?? rel) + " " + issue.reason
        }
        XCTAssertEqual(skipped.sorted(), [
            "annotations/training/gt_img_6.txt:2 coordinate 3 is not a number: '5O'",
            "annotations/training/gt_img_7.txt:1 expected 8 coordinates and a transcription separated by commas, found 7 fields",
            "annotations/training/gt_img_9.txt:2 not valid UTF-8 at byte 28 of the line (0xE9)",
            "annotations/training/gt_img_99.txt annotation file has no image in imgs/training/",
            "imgs/training/img_12.jpg empty file (0 bytes)",
            "imgs/training/img_13.jpg unknown image format (first bytes 3C 68 74 6D 6C 3E 34 30); expected JPEG, PNG, GIF, BMP or WebP",
            "imgs/training/img_14.jpg JPEG header cut short (no frame header before the end of the file)",
            "imgs/training/img_5.jpg truncated: the JPEG has no end-of-image marker (file cut short)",
            "imgs/training/img_8.jpg image has no annotation file (expected annotations/training/gt_img_8.txt)",
        ])
        XCTAssertEqual(report.splits.map(\.split), ["training", "test"])
        XCTAssertEqual(report.splits.map(\.images), [7, 2])
        XCTAssertEqual(report.splits.map(\.instances), [8, 3])
        XCTAssertEqual(report.splits.map(\.ignored), [1, 1])
        XCTAssertEqual(report.exifTagged.count, 2)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("instances_training.json").path))
    }

    func testSameBytesForAnyWorkerCount() throws {
        var outputs: [Data] = []
        for workers in [1, 2, 5] {
            let out = try tempDir()
            _ = try run("icdar2015-toy", dataset: "icdar2015", splits: ["test"], workers: workers, out: out)
            outputs.append(try Data(contentsOf: out.appendingPathComponent("instances_test.json")))
        }
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertEqual(outputs[0], outputs[2])
    }

    func testMissingSplitFolderStopsBeforeWriting() throws {
        let out = try tempDir()
        XCTAssertThrowsError(try run("icdar2015-toy", dataset: "icdar2015", splits: ["training", "test"], out: out)) { error in
            XCTAssertTrue("\(error)".contains("imgs/training: missing image folder for split 'training'"), "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [])
    }

    func testUnknownSplitOrTaskIsAUsageError() throws {
        let out = try tempDir()
        XCTAssertThrowsError(try run("icdar2015-toy", dataset: "icdar2015", splits: ["val"], out: out)) { error in
            guard case PrepError.usage(let m) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(m, "icdar2015 has no split 'val' (it has: training, test)")
        }
    }
}
