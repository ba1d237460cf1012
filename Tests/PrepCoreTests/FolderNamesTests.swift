import XCTest
import PrepCore

/// `FolderNames.list` gives (as bytes) what `FileManager.contentsOfDirectory(atPath:)` gives: the same
/// names (hidden ones, `._`-prefixed ones, folders, links, non-ASCII and invalid UTF-8 names),
/// the same skips (`.`, `..`, `._`), and FileManager's error for a folder it cannot open.
final class FolderNamesTests: XCTestCase {
    func testSameNamesAsFileManager() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("names-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        for name in ["img_1.jpg", ".hidden", "._", "._img_1.jpg", "été.jpg", "日本.png", "with space.txt", "a-very-long-file-name-over-fifteen-bytes.jpg"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data()), name)
        }
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.jpg").path, withDestinationPath: "img_1.jpg")
        // A name that is not UTF-8 (Latin-1 "é"), made through the raw bytes.
        let raw = Array(dir.path.utf8) + [0x2F, 0x63, 0x61, 0x66, 0xE9, 0x2E, 0x6A, 0x70, 0x67, 0]
        let fd = raw.withUnsafeBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644) }
        XCTAssertGreaterThanOrEqual(fd, 0)
        close(fd)
        let ours = try FolderNames.list(dir.path).strings
        let theirs = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        XCTAssertEqual(ours.sorted(), theirs.sorted())
        XCTAssertEqual(ours.count, 10, "\(ours)")  // the 8 files but "._", the link, the folder, the Latin-1 name
        XCTAssertFalse(ours.contains("._"))
        // readdir order, as FileManager's.
        XCTAssertEqual(ours, theirs)
        let missing = dir.appendingPathComponent("missing").path
        var ourError: Error?, theirError: Error?
        XCTAssertThrowsError(try FolderNames.list(missing)) { ourError = $0 }
        XCTAssertThrowsError(try FileManager.default.contentsOfDirectory(atPath: missing)) { theirError = $0 }
        // (The same error; its userInfo prints in any order.)
        XCTAssertEqual((ourError as? CocoaError)?.code, (theirError as? CocoaError)?.code)
        XCTAssertEqual((ourError as? CocoaError)?.filePath, missing)
        XCTAssertEqual(ourError?.localizedDescription, theirError?.localizedDescription)
    }
}
