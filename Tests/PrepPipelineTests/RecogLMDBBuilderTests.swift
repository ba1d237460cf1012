import XCTest
import PrepCore
import PrepFormats
@testable import PrepPipeline

/// The builder verifies one chunk of images on the workers while it writes the previous one:
/// across chunk boundaries the keys must still follow the label file and the skipped lines
/// must be reported in file order, for any worker count.
final class RecogLMDBBuilderTests: XCTestCase {
    func testOrderAcrossChunksForAnyWorkerCount() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lmdb-build-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("imgs"), withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let good = try Data(contentsOf: repo.appendingPathComponent("fixtures/images/odd_420.jpg"))
        try good.write(to: dir.appendingPathComponent("imgs/a.jpg"))
        try good.prefix(good.count / 2).write(to: dir.appendingPathComponent("imgs/cut.jpg"))

        // 5000 lines (three chunks of 2048 and a remainder); every 997th names a missing image,
        // every 1501st a truncated one, every 2047th is malformed.
        var lines: [String] = []
        var expectedSkips: [Int] = []
        var expectedTexts: [String] = []
        for n in 1...5000 {
            if n % 2047 == 0 { lines.append("a.jpg"); expectedSkips.append(n); continue }
            if n % 997 == 0 { lines.append("missing.jpg w\(n)"); expectedSkips.append(n); continue }
            if n % 1501 == 0 { lines.append("cut.jpg w\(n)"); expectedSkips.append(n); continue }
            lines.append("a.jpg w\(n)")
            expectedTexts.append("w\(n)")
        }
        let label = dir.appendingPathComponent("label.txt")
        try (lines.joined(separator: "\n") + "\n").write(to: label, atomically: true, encoding: .utf8)

        var first: [String]?
        for workers in [1, 2, 3] {
            let out = dir.appendingPathComponent("out\(workers).lmdb")
            let job = RecogLMDBJob(labelFile: label, output: out, imageRoot: dir.appendingPathComponent("imgs"),
                                   format: .txt, labelOnly: false, workers: workers)
            let report = RunReport(command: "lmdb")
            try RecogLMDBBuilder(job: job).run(report: report)
            XCTAssertEqual(report.issues.map { $0.line ?? -1 }, expectedSkips, "workers \(workers)")
            XCTAssertTrue(report.issues.first { $0.line == 1501 }?.reason.contains("truncated") ?? false)
            let reader = try RecogLMDBReader(url: out)
            XCTAssertEqual(reader.count, expectedTexts.count)
            let texts = try (0..<reader.count).map { i -> String in
                let line = try reader.line(at: i)
                return (try JSONReader.parse(Array(line.utf8)))["text"]?.string ?? ""
            }
            XCTAssertEqual(texts, expectedTexts, "workers \(workers)")
            XCTAssertEqual(try reader.image(at: reader.count - 1), [UInt8](good))
            if let f = first { XCTAssertEqual(texts, f) } else { first = texts }
        }
    }
}
