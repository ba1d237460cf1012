import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A progress bar on stderr, shown only when stderr is a terminal and not `--quiet`.
/// Counts items, or bytes (`.bytes`: sizes, rate and ETA, for downloads).
public final class Progress: @unchecked Sendable {
    public enum Unit: Sendable { case items, bytes }
    private let label: String
    private var total: Int
    private var done = 0
    private var lastDraw = Date.distantPast
    private let enabled: Bool
    private let unit: Unit
    private let started = Date()
    private let lock = NSLock()

    public init(label: String, total: Int, quiet: Bool, unit: Unit = .items) {
        self.label = label
        self.total = total
        self.unit = unit
        self.enabled = !quiet && isatty(STDERR_FILENO) == 1 && (total > 0 || unit == .bytes)
    }

    /// Adds to the total (a download's size becomes known when its response arrives).
    public func grow(total more: Int) {
        lock.lock(); total += more; lock.unlock()
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
        let filled = total > 0 ? min(width, done * width / total) : (unit == .bytes ? 0 : width)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let count: String
        if unit == .bytes {
            let elapsed = max(now.timeIntervalSince(started), 0.001)
            let rate = Double(done) / elapsed
            let eta = total > done && rate > 0 ? Int(Double(total - done) / rate) : 0
            count = "\(Self.bytes(done))/\(total > 0 ? Self.bytes(total) : "?") \(Self.bytes(Int(rate)))/s ETA \(eta / 3600 > 0 ? "\(eta / 3600):" : "")\(String(format: "%02d:%02d", eta / 60 % 60, eta % 60))\u{1B}[K"
        } else {
            count = "\(done)/\(total)\(detail.map { " " + $0 } ?? "")\u{1B}[K"
        }
        FileHandle.standardError.write("\r\(label) [\(bar)] \(count)".data(using: .utf8)!)
    }

    /// A byte count for people: `812 B`, `3.4 MB`, `1.20 GB` (powers of 1000, as `ls -h --si`).
    public static func bytes(_ n: Int) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var v = Double(n), i = 0
        while v >= 1000 && i < units.count - 1 { v /= 1000; i += 1 }
        return i == 0 ? "\(n) B" : String(format: v < 10 ? "%.2f" : "%.1f", v) + " " + units[i]
    }

    public func finish() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        FileHandle.standardError.write("\r\u{1B}[K".data(using: .utf8)!)
    }
}
