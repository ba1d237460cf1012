import Foundation
import XCTest

/// The in-repository fuzz pass (issue 19): every parser family, seeded mutations of the fixtures,
/// in process. CI runs a short pass with a fixed seed (`PREP_FUZZ_EXECS` executions per family,
/// default 150); `scripts/fuzz.sh` runs the long one. A crash kills the test process (the input
/// that caused it stays in the work folder printed first), a hang aborts it through the
/// watchdog, and an escape (an error callers do not report) fails the test with the input kept.
final class FuzzTests: XCTestCase {
    func testFuzzEveryParserFamily() throws {
        let env = ProcessInfo.processInfo.environment
        let executions = env["PREP_FUZZ_EXECS"].flatMap(Int.init) ?? 150
        let seed = env["PREP_FUZZ_SEED"].flatMap(UInt64.init) ?? 19
        let only = env["PREP_FUZZ_FAMILY"].map { Set($0.split(separator: ",").map(String.init)) }
        let skip = Set((env["PREP_FUZZ_SKIP"] ?? "").split(separator: ",").map(String.init))
        let work = env["PREP_FUZZ_DIR"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("prep-fuzz-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        FileHandle.standardError.write(Data("prep fuzz: seed \(seed), \(executions) executions per family; inputs under \(work.path)\n".utf8))
        let runner = FuzzRunner(workDirectory: work, seed: seed)
        var escapes: [String] = []
        var total = 0
        for family in try FuzzFamilies.all() where only?.contains(family.name) ?? true && !skip.contains(family.name) {
            XCTAssertFalse(family.seeds.isEmpty, "\(family.name) has no seeds")
            let o = try runner.run(family, executions: executions)
            total += o.executions
            escapes += o.escapes
            print(String(format: "fuzz %-28@ %8d executions  %6.2f s  slowest %.3f s  escapes %d", family.name as NSString,
                         o.executions, o.seconds, o.slowest, o.escapes.count))
        }
        print("fuzz total: \(total) executions, 0 crashes, 0 hangs, \(escapes.count) escapes")
        XCTAssertEqual(escapes, [], escapes.joined(separator: "\n"))
        if env["PREP_FUZZ_DIR"] == nil && escapes.isEmpty { try? FileManager.default.removeItem(at: work) }
    }
}
