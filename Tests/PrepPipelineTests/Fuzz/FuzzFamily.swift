import Foundation
import PrepCore

/// One parser family under fuzzing: seed inputs (files of `fixtures/`), where an input is written
/// (`inputName`, e.g. `gt_img_1.txt` or `in.lmdb/data.mdb`) and the in-process call that reads
/// it. An execution passes when it returns or throws an error the family's callers report
/// (`PrepError` unless `accepts` says more); any other error is an escape, a trap is a crash
/// (the process dies, the input stays in the work folder), and a call running past the
/// watchdog's limit is a hang.
struct FuzzFamily {
    var name: String
    var seeds: [URL]
    /// The written input's name relative to the work folder; nil: the first seed's file name.
    var inputName: String?
    var accepts: (Error) -> Bool = { $0 is PrepError }
    var run: (URL) throws -> Void
}

/// What a family's pass found.
struct FuzzOutcome {
    var family: String
    var executions = 0
    var escapes: [String] = []
    var slowest = 0.0
    var seconds = 0.0
}

/// Aborts the process when one execution runs longer than `limit` seconds, naming the family
/// and where its input is: an in-process hang cannot be interrupted any other way.
final class FuzzWatchdog: @unchecked Sendable {
    static let shared = FuzzWatchdog()
    private let lock = NSLock()
    private var started: Date?
    private var what = ""
    private var running = false
    var limit = 10.0

    private init() {}

    /// Starts the watching thread (once; the shared instance lives as long as the process).
    func start() {
        lock.lock(); defer { lock.unlock() }
        guard !running else { return }
        running = true
        let t = Thread {
            while true {
                Thread.sleep(forTimeInterval: 0.25)
                self.lock.lock(); let s = self.started, w = self.what, limit = self.limit; self.lock.unlock()
                if let s, Date().timeIntervalSince(s) > limit {
                    FileHandle.standardError.write(Data("prep fuzz: HANG (> \(limit) s) in \(w)\n".utf8))
                    abort()
                }
            }
        }
        t.start()
    }

    func begin(_ description: String) { lock.lock(); started = Date(); what = description; lock.unlock() }
    func end() { lock.lock(); started = nil; lock.unlock() }
}

/// Runs families: each execution mutates a seed (spliced with another seed), writes it to the
/// family's input path and calls the parser in process.
struct FuzzRunner {
    var workDirectory: URL
    var seed: UInt64
    /// Inputs are cut to this size (mutations that duplicate could otherwise grow without end).
    var maxInput = 1 << 20

    func run(_ family: FuzzFamily, executions: Int) throws -> FuzzOutcome {
        var outcome = FuzzOutcome(family: family.name)
        let seeds = family.seeds.compactMap { try? [UInt8](Data(contentsOf: $0)) }
        guard !seeds.isEmpty else { return outcome }
        let dir = workDirectory.appendingPathComponent(family.name)
        let input = dir.appendingPathComponent(family.inputName ?? family.seeds[0].lastPathComponent)
        try FileManager.default.createDirectory(at: input.deletingLastPathComponent(), withIntermediateDirectories: true)
        // One stream per family: a family's inputs do not depend on which other families ran.
        var mutator = FuzzMutator(rng: FuzzRNG(seed: seed ^ Self.hash(family.name)))
        FuzzWatchdog.shared.start()
        let start = Date()
        for i in 0..<executions {
            let pick = mutator.rng.below(seeds.count), other = mutator.rng.below(seeds.count)
            var bytes = i < seeds.count ? seeds[i] : mutator.mutate(seeds[pick], other: seeds[other])
            if bytes.count > maxInput { bytes.removeLast(bytes.count - maxInput) }
            try Self.write(bytes, to: input.path)
            FuzzWatchdog.shared.begin("\(family.name), execution \(i); the input is \(input.path)")
            let t0 = Date()
            do { try family.run(input) } catch {
                if !family.accepts(error), outcome.escapes.count < 20 {
                    let kept = input.deletingLastPathComponent().appendingPathComponent("escape-\(i)-" + input.lastPathComponent)
                    try? FileManager.default.removeItem(at: kept)
                    try? FileManager.default.copyItem(at: input, to: kept)
                    outcome.escapes.append("\(family.name) #\(i): \(type(of: error)): \(error) (input kept at \(kept.path))")
                }
            }
            outcome.slowest = max(outcome.slowest, Date().timeIntervalSince(t0))
            FuzzWatchdog.shared.end()
            outcome.executions += 1
        }
        outcome.seconds = Date().timeIntervalSince(start)
        return outcome
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PrepError.io(path: path, reason: "cannot write the fuzz input") }
        defer { close(fd) }
        _ = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
    }

    static func hash(_ s: String) -> UInt64 {
        s.utf8.reduce(0xCBF2_9CE4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }
}
