import Foundation
import XCTest

/// Paths to the repository's fixtures and a scratch folder per test.
enum RecogTestData {
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
    static func fixture(_ path: String) -> URL { repoRoot.appendingPathComponent("fixtures").appendingPathComponent(path) }

    static func scratch(_ name: String = #function) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("prep-recog-\(getpid())-\(name.filter(\.isLetter))")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
