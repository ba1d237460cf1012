import Foundation

/// Lets a training run turn Ctrl-C (SIGINT/SIGTERM) into "save a resumable checkpoint and
/// stop" instead of an immediate exit. The command arms it while training; the process's
/// signal handler calls `request()`, which returns true when an armed run will stop by itself
/// (a second Ctrl-C is not swallowed: the handler then exits as usual).
public final class StopSignal: @unchecked Sendable {
    public static let shared = StopSignal()
    private let lock = NSLock()
    private var armed = false
    private var requested = false

    public init() {}

    public func arm() { lock.lock(); armed = true; requested = false; lock.unlock() }
    public func disarm() { lock.lock(); armed = false; lock.unlock() }

    /// Records a stop request; true when an armed run will honour it (first request only).
    public func request() -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard armed, !requested else { return false }
        requested = true
        return true
    }

    public var isRequested: Bool { lock.lock(); defer { lock.unlock() }; return requested }
}
