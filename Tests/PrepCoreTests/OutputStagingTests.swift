import XCTest
@testable import PrepCore

final class OutputStagingTests: XCTestCase {
    func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("staging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func testCommitReplacesAndDiscardKeeps() throws {
        let dir = try tempDir()
        let final = dir.appendingPathComponent("out.json")
        try "old".write(to: final, atomically: true, encoding: .utf8)

        let failed = try OutputStaging(directory: dir)
        try "half".write(to: try failed.url(for: "out.json"), atomically: true, encoding: .utf8)
        failed.discard()
        XCTAssertEqual(try String(contentsOf: final, encoding: .utf8), "old")

        let ok = try OutputStaging(directory: dir)
        try "new".write(to: try ok.url(for: "out.json"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try String(contentsOf: final, encoding: .utf8), "old", "nothing changes before commit")
        try ok.commit()
        XCTAssertEqual(try String(contentsOf: final, encoding: .utf8), "new")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["out.json"], "no staging folder left")
    }

    /// A file staged inside a staged folder (EasyOCR's labels.csv among its crops) moves with the
    /// folder, whichever was staged first, also over an earlier run's folder.
    func testFileInsideAStagedFolderMovesWithIt() throws {
        let dir = try tempDir()
        for round in 0..<2 {
            let s = try OutputStaging(directory: dir)
            let label = try s.url(for: "easyocr/train/labels.csv")
            try "filename,words\n".write(to: label, atomically: true, encoding: .utf8)
            let folder = try s.url(for: "easyocr/train")
            try "crop \(round)".write(to: folder.appendingPathComponent("a.png"), atomically: true, encoding: .utf8)
            try s.commit()
            let train = dir.appendingPathComponent("easyocr/train")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: train.path).sorted(), ["a.png", "labels.csv"])
            XCTAssertEqual(try String(contentsOf: train.appendingPathComponent("a.png"), encoding: .utf8), "crop \(round)")
        }
    }

    func testUnwritableFolderIsAClearError() throws {
        try XCTSkipIf(getuid() == 0, "root can write anywhere")
        XCTAssertThrowsError(try OutputStaging(directory: URL(fileURLWithPath: "/proc/prep-test")))
    }
}
