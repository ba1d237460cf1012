import Foundation

/// Paths to the repository's fixtures.
enum TestData {
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
    static func fixture(_ path: String) -> URL { repoRoot.appendingPathComponent("fixtures").appendingPathComponent(path) }
    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: fixture(path))) }
}
