import Foundation

/// Builds items `first..<count` on worker threads and hands them out in order, at most
/// `prefetch` items ahead of the consumer (bounded memory). The batch loaders of recognition
/// and detection share it; what an item is and how it is built is theirs (`build` must be
/// safe to call from several threads at once and depend only on its index, so the output does
/// not depend on the number of workers).
public final class OrderedPrefetcher<Item>: @unchecked Sendable {
    public let count: Int
    private let build: (Int) -> Item
    private let prefetch: Int
    private let condition = NSCondition()
    private var nextToBuild: Int
    private var nextOut: Int
    private var ready: [Int: Item] = [:]
    private var cancelled = false
    private var running = 0

    public init(count: Int, first: Int = 0, workers: Int, prefetch: Int, build: @escaping (Int) -> Item) {
        self.count = count
        self.build = build
        self.prefetch = max(1, prefetch)
        nextToBuild = min(max(0, first), count)
        nextOut = nextToBuild
        let n = max(1, workers)
        running = n
        for _ in 0..<n {
            let t = Thread { [self] in work() }
            t.stackSize = 1 << 20
            t.start()
        }
    }

    deinit { cancel() }

    /// The next item in order, nil after the last (or after `cancel`).
    public func next() -> Item? {
        condition.lock(); defer { condition.unlock() }
        while !cancelled && nextOut < count && ready[nextOut] == nil { condition.wait() }
        guard !cancelled, nextOut < count, let b = ready.removeValue(forKey: nextOut) else { return nil }
        nextOut += 1
        condition.broadcast()
        return b
    }

    /// Stops the workers (they finish the item in hand) and waits for them.
    public func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while !cancelled && nextToBuild < count && nextToBuild >= nextOut + prefetch { condition.wait() }
            if cancelled || nextToBuild >= count {
                running -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let b = nextToBuild
            nextToBuild += 1
            condition.unlock()
            let item = build(b)
            condition.lock()
            ready[b] = item
            condition.broadcast()
            condition.unlock()
        }
    }
}
