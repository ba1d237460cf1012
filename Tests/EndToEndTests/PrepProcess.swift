import Foundation
import XCTest

/// Runs the real `prep` binary built beside the test bundle.
struct PrepProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `prep` executable in the build products folder.
    static var binary: URL {
        // Another build (main's, to regenerate goldens from it: scripts/runner_golden.sh).
        if let path = ProcessInfo.processInfo.environment["PREP_TEST_BINARY"] { return URL(fileURLWithPath: path) }
        var dir = Bundle(for: Marker.self).bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("prep")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/prep")
    }

    /// The repository root (for fixtures/).
    static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func fixture(_ path: String) -> URL { repoRoot.appendingPathComponent("fixtures").appendingPathComponent(path) }

    @discardableResult
    static func run(_ args: [String], cwd: URL? = nil, env: [String: String] = [:]) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        if let cwd { p.currentDirectoryURL = cwd }
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes concurrently so a full pipe never blocks the child.
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary folder, removed at the end of the test.
    static func tempDir(_ test: XCTestCase) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prep-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }
}

private final class Marker {}

/// Holds what a background reader collected.
private final class DataBox: @unchecked Sendable { var data = Data() }
