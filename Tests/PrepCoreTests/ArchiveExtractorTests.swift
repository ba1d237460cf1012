import Foundation
import XCTest
import PrepCore

/// Safe extraction over fixtures/obtain/unsafe (scripts/make_obtain_fixtures.py): each hazard is
/// refused with a message naming it, nothing lands outside the stage, and the archive's bytes
/// are unchanged.
final class ArchiveExtractorTests: XCTestCase {
    private var stage: URL!

    override func setUpWithError() throws {
        stage = FileManager.default.temporaryDirectory.appendingPathComponent("prep-extract-\(UUID().uuidString)/stage")
        try FileManager.default.createDirectory(at: stage, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: stage.deletingLastPathComponent())
    }

    private func md5(_ url: URL) throws -> String { try Digest.hexOfFile(url, .md5) }

    /// Extracts everything as stored; returns the error text (nil if it succeeded).
    private func extract(_ name: String, limits: ArchiveExtractor.Limits = .init(),
                         place: (String) -> String? = { $0 }) throws -> (error: String?, result: ArchiveExtractor.Result?) {
        let url = TestData.fixture("obtain/unsafe/\(name)")
        let before = try md5(url)
        defer { XCTAssertEqual(try? md5(url), before, "\(name) must stay byte-for-byte unchanged") }
        do {
            let r = try ArchiveExtractor(archive: try openArchive(url), limits: limits).extract(into: stage, place: place)
            return (nil, r)
        } catch let e as PrepError {
            return (e.description, nil)
        }
    }

    /// Nothing was written beside the stage (its parent holds only the stage).
    private func assertNothingOutside(file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: stage.deletingLastPathComponent().path), ["stage"], file: file, line: line)
    }

    func testDotDotMemberIsRefused() throws {
        let (error, _) = try extract("dotdot.zip")
        XCTAssertTrue(error?.contains("has a '..' component: refused") == true, error ?? "accepted")
        try assertNothingOutside()
    }

    func testAbsoluteMemberIsRefused() throws {
        let (error, _) = try extract("absolute.zip")
        XCTAssertTrue(error?.contains("is an absolute path: refused") == true, error ?? "accepted")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/prep-obtain-evil.txt"))
    }

    func testDotDotInTarIsRefused() throws {
        let (error, _) = try extract("dotdot.tar")
        XCTAssertTrue(error?.contains("'..'") == true, error ?? "accepted")
        try assertNothingOutside()
    }

    func testEscapingSymlinkInZipIsRefused() throws {
        let (error, _) = try extract("symlink.zip")
        XCTAssertTrue(error?.contains("a symbolic link to '../../../etc', outside the dataset folder") == true, error ?? "accepted")
        XCTAssertNil(try? FileManager.default.destinationOfSymbolicLink(atPath: stage.appendingPathComponent("data/link").path))
    }

    func testAbsoluteSymlinkInTarGzIsRefused() throws {
        let (error, _) = try extract("symlink.tar.gz")
        XCTAssertTrue(error?.contains("a symbolic link to '/etc/passwd'") == true, error ?? "accepted")
    }

    func testWritingThroughALinkIsRefused() throws {
        let (error, _) = try extract("through-link.tar")
        XCTAssertTrue(error?.contains("data/sub/x.txt: would be written through the symbolic link 'sub'") == true, error ?? "accepted")
        XCTAssertFalse(FileManager.default.fileExists(atPath: stage.appendingPathComponent("data/x.txt").path))
    }

    func testExpansionRatioCapStopsABomb() throws {
        let (error, _) = try extract("bomb.zip")
        XCTAssertTrue(error?.contains("expands more than 100× its size") == true, error ?? "accepted")
        XCTAssertTrue(error?.contains("decompression bomb") == true)
        // Stopped at the cap, not after writing the 80 MB.
        let written = (try? FileManager.default.attributesOfItem(atPath: stage.appendingPathComponent("data/zeros.bin").path)[.size] as? Int) ?? 0
        XCTAssertLessThan(written, 70_000_000)
    }

    func testTotalSizeCap() throws {
        let (error, _) = try extract("plain.tar", limits: .init(maxBytes: 2))
        XCTAssertTrue(error?.contains("more than the 2-byte cap") == true || error?.contains("more than 2 bytes") == true, error ?? "accepted")
    }

    func testTarBz2WithRulesAndAnInwardSymlink() throws {
        let (error, result) = try extract("nested.tar.bz2") { member in
            member.hasPrefix("top/a/") || member.hasPrefix("top/b/") ? "out/" + member.dropFirst(4) : nil
        }
        XCTAssertNil(error)
        XCTAssertEqual(try String(contentsOf: stage.appendingPathComponent("out/a/one.txt"), encoding: .utf8), "one\n")
        XCTAssertEqual(try String(contentsOf: stage.appendingPathComponent("out/b/two.txt"), encoding: .utf8), "two\n")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: stage.appendingPathComponent("out/a/inner").path), "one.txt")
        XCTAssertEqual(result?.unused, ["top/readme.txt"])
        XCTAssertEqual(result?.files, 3)
    }

    func testPlainTar() throws {
        let (error, result) = try extract("plain.tar")
        XCTAssertNil(error)
        XCTAssertEqual(result?.bytes, 4)
        XCTAssertEqual(try String(contentsOf: stage.appendingPathComponent("one.txt"), encoding: .utf8), "one\n")
    }

    func testSafeRelativePath() throws {
        let a = URL(fileURLWithPath: "/x.zip")
        XCTAssertEqual(try ArchiveExtractor.safeRelativePath("./a//b/./c.jpg", archive: a, what: "member"), "a/b/c.jpg")
        XCTAssertThrowsError(try ArchiveExtractor.safeRelativePath("a\\..\\b", archive: a, what: "member"))
        XCTAssertThrowsError(try ArchiveExtractor.safeRelativePath("C:/windows", archive: a, what: "member"))
        XCTAssertThrowsError(try ArchiveExtractor.safeRelativePath("\\\\server\\x", archive: a, what: "member"))
    }

    /// A staged tree merges into a folder without replacing a different file (unless forced),
    /// keeps identical ones, and a refused merge changes nothing.
    func testMergeNeverOverwritesWithoutForce() throws {
        let root = stage.deletingLastPathComponent().appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("imgs"), withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: root.appendingPathComponent("imgs/a.txt"))
        try Data("same".utf8).write(to: root.appendingPathComponent("imgs/b.txt"))

        func stageFiles() throws -> OutputStaging {
            let s = try OutputStaging(directory: root)
            try FileManager.default.createDirectory(at: s.stagingDirectory.appendingPathComponent("imgs"), withIntermediateDirectories: true)
            try Data("theirs".utf8).write(to: s.stagingDirectory.appendingPathComponent("imgs/a.txt"))
            try Data("same".utf8).write(to: s.stagingDirectory.appendingPathComponent("imgs/b.txt"))
            try Data("new".utf8).write(to: s.stagingDirectory.appendingPathComponent("imgs/c.txt"))
            return s
        }
        XCTAssertThrowsError(try stageFiles().mergeTree(force: false)) { e in
            XCTAssertTrue("\(e)".contains("imgs/a.txt"), "\(e)")
            XCTAssertTrue("\(e)".contains("--force"), "\(e)")
        }
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("imgs/a.txt"), encoding: .utf8), "mine")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("imgs/c.txt").path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), ["imgs"], "staging folder removed")

        let r = try stageFiles().mergeTree(force: true)
        XCTAssertEqual(r.replaced, 1)
        XCTAssertEqual(r.identical, 1)
        XCTAssertEqual(r.moved, 1)
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("imgs/a.txt"), encoding: .utf8), "theirs")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), ["imgs"])
    }
}
