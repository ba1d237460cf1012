import XCTest
@testable import PrepPipeline
#if canImport(Glibc)
import Glibc
#endif

/// The crop pass's read-ahead must never block or fail a run: a FIFO named as an image (which a
/// plain `open` would wait on forever), a missing file and a folder are passed over in silence.
final class ReadAheadTests: XCTestCase {
    func testAdvisingNeverBlocksOrThrows() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("readahead-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("img.jpg").path
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data(repeating: 7, count: 4096)))
        let fifo = dir.appendingPathComponent("fifo.jpg").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let done = expectation(description: "advised")
        DispatchQueue.global().async {
            ReadAhead.advise(file)
            ReadAhead.advise(fifo)
            ReadAhead.advise(dir.appendingPathComponent("missing.jpg").path)
            ReadAhead.advise(dir.path)
            done.fulfill()
        }
        wait(for: [done], timeout: 10)
        XCTAssertEqual(FileManager.default.contents(atPath: file)?.count, 4096)
    }
}
