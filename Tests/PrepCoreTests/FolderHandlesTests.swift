import XCTest
@testable import PrepCore

/// `FolderHandles`: inside a scope, files named by absolute paths open relative to their folder's
/// descriptor with the same results as outside (bytes, missing files, non-regular files), and the
/// descriptors are closed when the outermost scope ends.
final class FolderHandlesTests: XCTestCase {
    private func openDescriptors() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0 }

    func testScopedOpensReadTheSameAndCloseAfter() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("folderhandles-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        var paths: [String] = []
        for f in 0..<(FolderHandles.maxFolders + 6) { // more folders than the scope keeps
            let dir = root.appendingPathComponent("d\(f)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for i in 0..<3 {
                let p = dir.appendingPathComponent("f\(i).txt").path
                try Data("folder \(f) file \(i)".utf8).write(to: URL(fileURLWithPath: p))
                paths.append(p)
            }
        }
        mkfifo(root.appendingPathComponent("d0/fifo").path, 0o644)
        let before = openDescriptors()
        let outside = paths.map { try? FileBytes.read($0).get() }
        let (inside, missing, fifo) = FolderHandles.within { () -> ([[UInt8]?], FileBytes.Failure?, FileBytes.Failure?) in
            FolderHandles.within { // nested: the inner end keeps the outer scope's folders
                _ = try? FileBytes.read(paths[0]).get()
            }
            let inside = paths.map { try? FileBytes.read($0).get() }
            var missing: FileBytes.Failure?, fifo: FileBytes.Failure?
            if case let .failure(f) = FileBytes.read(root.appendingPathComponent("d1/nothing.txt").path) { missing = f }
            if case let .failure(f) = FileBytes.read(root.appendingPathComponent("d0/fifo").path) { fifo = f }
            return (inside, missing, fifo)
        }
        XCTAssertEqual(inside.map { $0.map { String(decoding: $0, as: UTF8.self) } }, outside.map { $0.map { String(decoding: $0, as: UTF8.self) } })
        XCTAssertEqual(inside.compactMap { $0 }.count, paths.count)
        XCTAssertEqual(missing?.missing, true)
        XCTAssertEqual(fifo?.reason.contains("FIFO"), true, "\(String(describing: fifo))")
        XCTAssertEqual(openDescriptors(), before, "the folders' descriptors are closed after the scope")
        // A relative path and a path in the root folder ("/x") take the plain open.
        XCTAssertEqual(FolderHandles.within { FileBytes.read("/proc/self/nonexistent").isSuccess }, false)
    }
}

private extension Result {
    var isSuccess: Bool { if case .success = self { return true } else { return false } }
}
