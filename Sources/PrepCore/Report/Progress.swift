import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A progress bar on stderr, shown only when stderr is a terminal and not `--quiet`.
public final class Progress: @unchecked Sendable {
    private let label: String
    private let total: Int
    private var done = 0
    private var lastDraw = Date.distantPast
    private let enabled: Bool
    private let lock = NSLock()

    public init(label: String, total: Int, quiet: Bool) {
        self.label = label
        self.total = total
        self.enabled = !quiet && isatty(STDERR_FILENO) == 1 && total > 0
    }

    /// `detail` is shown after the count (e.g. a training loss and speed).
    public func advance(_ n: Int = 1, detail: String? = nil) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        done += n
        let now = Date()
        if now.timeIntervalSince(lastDraw) < 0.1 && done < total { return }
        lastDraw = now
        let width = 30
        let filled = total > 0 ? min(width, done * width / total) : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write("\r\(label) [\(bar)] \(done)/\(total)\(detail.map { " " + $0 } ?? "")\u{1B}[K".data(using: .utf8)!)
    }

    public func finish() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        FileHandle.standardError.write("\r\u{1B}[K".data(using: .utf8)!)
    }
}
