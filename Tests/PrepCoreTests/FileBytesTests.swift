import Foundation
import XCTest
@testable import PrepCore

final class FileBytesTests: XCTestCase {
    func testReadsWholeFilesAndNamesWhatIsWrong() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("filebytes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let content = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(content).write(to: dir.appendingPathComponent("sub/a.bin"))
        try Data().write(to: dir.appendingPathComponent("empty"))

        XCTAssertEqual(try FileBytes.read(dir.appendingPathComponent("sub/a.bin").path).get(), content)
        XCTAssertEqual(try FileBytes.read(dir.appendingPathComponent("empty").path).get(), [])
        let fd = open(dir.path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        XCTAssertEqual(try FileBytes.read("sub/a.bin", relativeTo: fd).get(), content, "relative to a folder")
        XCTAssertEqual(try FileBytes.read(dir.appendingPathComponent("sub/a.bin").path, relativeTo: fd).get(), content,
                       "an absolute name ignores the folder")
        guard case let .failure(missing) = FileBytes.read("sub/none.bin", relativeTo: fd) else { return XCTFail("missing file read") }
        XCTAssertTrue(missing.missing)
        XCTAssertEqual(missing.reason, "missing image")
        guard case let .failure(folder) = FileBytes.read("sub", relativeTo: fd) else { return XCTFail("folder read") }
        XCTAssertFalse(folder.missing)
        XCTAssertEqual(folder.reason, "not a regular file but a folder; prep reads only regular files")
    }

    func testFileFolderWritesAndReplacesFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("filefolder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let folder = try FileFolder(dir)
        try folder.write("a.png", [1, 2, 3, 4, 5])
        try folder.write("a.png", [9])  // replaced, not appended
        try folder.write("sub/b.png", [])
        XCTAssertEqual(try FileBytes.read(dir.appendingPathComponent("a.png").path).get(), [9])
        XCTAssertEqual(try FileBytes.read(dir.appendingPathComponent("sub/b.png").path).get(), [])
        XCTAssertThrowsError(try folder.write("none/c.png", [1])) { e in
            XCTAssertTrue("\(e)".contains("none/c.png") && "\(e)".contains("cannot create file"), "\(e)")
        }
        XCTAssertThrowsError(try FileFolder(dir.appendingPathComponent("missing")))
    }
}
