import Foundation
import XCTest
import PrepCore

/// Every family and task pass of the dataset runner (SynthText, COCO-record, whole-file JSON,
/// per-image det + recog + spotting, recog's own source, label-only, KIE, PaddleOCR KIE, KAIST
/// archives, a sharded run) against the output tree (file digests, links) and the `--report` JSON
/// that main's binary wrote before the runner became one pass per task (issue 19): goldens in
/// fixtures/expected/runner/, produced by `scripts/runner_golden.sh` with main's binary at ccb0d9b.
/// The sharded run's golden was made again when its ledger gained record lengths, and again when
/// the partition's hash gained its finalizer (shard 0/2 now holds other pages; 2026-12-05).
final class RunnerGoldenTests: XCTestCase {
    static let cases: [(name: String, args: [String])] = [
        ("synthtext-det-recog", ["synthtext", "synthtext-toy", "--task", "det", "recog"]),
        ("curvedsyntext-det-spotting", ["curvedsyntext150k", "curvedsyntext-unk", "--task", "det", "spotting"]),
        ("textocr-det-recog", ["textocr", "textocr-toy", "--task", "det", "recog"]),
        ("icdar2015-shard-det-recog-spotting", ["icdar2015", "icdar2015-toy", "--splits", "test", "--task", "det", "recog", "spotting",
                                                "--from-det", "--shard", "0/2"]),
        ("icdar2015-quirks-mmocr1", ["icdar2015", "icdar2015-quirks", "--task", "det", "recog", "spotting", "--from-det", "--to", "mmocr1"]),
        ("naf-det-recog", ["naf", "naf-toy", "--task", "det", "recog"]),
        ("iiit5k-label-only", ["iiit5k", "iiit5k-toy", "--task", "recog"]),
        ("icdar2015-recog-zips", ["icdar2015", "icdar2015-recog-zips", "--task", "recog"]),
        ("wildreceipt-det-recog-kie", ["wildreceipt", "wildreceipt-toy", "--task", "det", "recog", "kie"]),
        ("funsd-kie-paddle", ["funsd", "funsd-toy", "--task", "det", "kie", "--to", "paddle"]),
        ("kaist-archives", ["kaist", "kaist-zips", "--task", "det", "recog"]),
    ]

    func testRunsMatchMainsOutputsAndReports() throws {
        let write = ProcessInfo.processInfo.environment["PREP_WRITE_RUNNER_GOLDEN"] == "1"
        let tmp = try PrepProcess.tempDir(self)
        for (name, args) in Self.cases {
            let out = tmp.appendingPathComponent(name)
            let got = try Self.summary(args: args, out: out)
            let golden = PrepProcess.fixture("expected/runner/\(name).txt")
            if write {
                try Data(got.utf8).write(to: golden)
                continue
            }
            let expected = String(decoding: try Data(contentsOf: golden), as: UTF8.self)
            XCTAssertEqual(got, expected, "\(name): output tree or report differs from main's (fixtures/expected/runner/\(name).txt)")
        }
    }

    /// Runs `args` (the fixture name as ROOT) into `out` and describes what it left: the
    /// command, the exit status, every output file (SHA-256 prefix) or link (target), and the
    /// report with its time zeroed and the fixture and output folders as `$FIXTURES`, `$OUT`.
    static func summary(args: [String], out: URL) throws -> String {
        var full = args
        full[1] = PrepProcess.fixture(args[1]).path
        let reportURL = out.deletingLastPathComponent().appendingPathComponent(out.lastPathComponent + ".report.json")
        let r = try PrepProcess.run(full + ["-o", out.path, "--nproc", "2", "-q", "--report", reportURL.path])
        var lines = ["# prep \(args.joined(separator: " ")) -o $OUT --nproc 2 -q --report R", "exit \(r.status)", "== files"]
        lines += try listing(out, rel: "", out: out).map { normalized($0, out: out) }
        lines.append("== report")
        var report = String(decoding: (try? Data(contentsOf: reportURL)) ?? Data(), as: UTF8.self)
        report = normalized(report, out: out)
        if let range = report.range(of: #""seconds": [0-9.e+-]+"#, options: .regularExpression) {
            report.replaceSubrange(range, with: "\"seconds\": 0")
        }
        lines.append(report.trimmingCharacters(in: .whitespacesAndNewlines))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` with the output and fixture folders as `$OUT` and `$FIXTURES`.
    /// JSON writers that escape `/` as `\/` are matched too.
    static func normalized(_ text: String, out: URL) -> String {
        let fixtures = PrepProcess.repoRoot.appendingPathComponent("fixtures").path
        func escaped(_ p: String) -> String { p.replacingOccurrences(of: "/", with: "\\/") }
        return text.replacingOccurrences(of: out.path, with: "$OUT")
            .replacingOccurrences(of: fixtures, with: "$FIXTURES")
            .replacingOccurrences(of: escaped(out.path), with: "$OUT")
            .replacingOccurrences(of: escaped(fixtures), with: "$FIXTURES")
    }

    /// Files (digest), links (target) and folders under `dir`, sorted, links not followed. A JSON
    /// file is digested with the output and fixture folders as `$OUT` and `$FIXTURES` (a shard's
    /// manifest records the command line) and its times zeroed, so the golden does not depend on
    /// where the checkout is or how fast the machine is.
    static func listing(_ dir: URL, rel: String, out: URL) throws -> [String] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: dir.path) else { return [] }
        var lines: [String] = []
        for name in names.sorted() {
            let url = dir.appendingPathComponent(name), path = rel + name
            let type = try fm.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType
            if type == .typeSymbolicLink {
                // Relative links are shown resolved, so the golden does not depend on where the
                // repository and the temporary folder are.
                let target = try fm.destinationOfSymbolicLink(atPath: url.path)
                let resolved = target.hasPrefix("/") ? target : dir.appendingPathComponent(target).standardizedFileURL.path
                lines.append("\(path) -> \(target.hasPrefix("/") ? "absolute" : "relative") \(resolved)")
            } else if type == .typeDirectory {
                lines.append(path + "/")
                lines += try listing(url, rel: path + "/", out: out)
            } else {
                var bytes = [UInt8](try Data(contentsOf: url))
                if name.hasSuffix(".json") {
                    let text = normalized(String(decoding: bytes, as: UTF8.self), out: out)
                        .replacingOccurrences(of: #""seconds" ?: ?[0-9.e+-]+"#, with: "\"seconds\": 0", options: .regularExpression)
                    bytes = Array(text.utf8)
                }
                lines.append("\(path) \(bytes.count) \(SHA256.of(bytes).description.prefix(16))")
            }
        }
        return lines
    }
}
