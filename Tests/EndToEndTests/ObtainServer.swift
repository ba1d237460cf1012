import Foundation
import XCTest

/// scripts/obtain_test_server.py on 127.0.0.1 and a free port, started by the test and stopped
/// at its end (stdin closed, then terminated). Its log counts the requests prep made.
final class ObtainServer {
    let port: Int
    let log: URL
    private let process: Process
    private let stdin: Pipe

    /// Serves `directory` with the script's misbehaviour flags (`--cut NAME:BYTES`, `--stall NAME`, …).
    init(_ test: XCTestCase, serving directory: URL, _ flags: [String] = []) throws {
        let dir = try PrepProcess.tempDir(test)
        log = dir.appendingPathComponent("requests.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", PrepProcess.repoRoot.appendingPathComponent("scripts/obtain_test_server.py").path,
                             directory.path, "--log", log.path, "--stall-seconds", "8"] + flags
        stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        let line = String(decoding: stdout.fileHandleForReading.availableData, as: UTF8.self)
        guard let p = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw XCTSkip("the loopback test server did not start (python3 missing?): \(line)")
        }
        port = p
        let process = self.process, stdin = self.stdin
        test.addTeardownBlock {
            try? stdin.fileHandleForWriting.close()
            process.terminate()
            process.waitUntilExit()
        }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// The requests served so far, one line each (`GET /path range status`).
    var requests: [String] {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}

extension PrepProcess {
    /// The environment of an obtain run in tests: no proxy at all (every request goes to the
    /// loopback server), quick back-off, and the zoo folder the test prepared.
    static func obtainEnvironment(zoo: URL? = nil) -> [String: String] {
        var env = ["http_proxy": "", "https_proxy": "", "HTTPS_PROXY": "", "HTTP_PROXY": "", "ALL_PROXY": "", "all_proxy": "",
                   "no_proxy": "*", "PREP_OBTAIN_BACKOFF": "0.05", "PREP_OBTAIN_MIRROR": ""]
        if let zoo { env["PREP_ZOO_DIR"] = zoo.path }
        return env
    }
}
