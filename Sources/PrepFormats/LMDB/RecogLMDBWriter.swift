import Foundation
import PrepCore

/// Writes a recognition LMDB in the shared layout (`RecogLMDBKeys`): samples are numbered from 1
/// in the order they are appended, with no gaps, and `num-samples` is the number written.
///
/// Full batches are committed on a background queue while the caller prepares the next ones
/// (one write transaction per batch, begun and committed inside one block, so LMDB's
/// one-thread-per-transaction rule holds); at most two batches are in flight.
public final class RecogLMDBWriter: @unchecked Sendable {
    public let environment: LMDBEnvironment
    public let batchSize: Int
    /// Samples appended so far (the last key written is `label-<written>`).
    public private(set) var written = 0
    private var pending: [(key: [UInt8], value: [UInt8])] = []
    private var pendingSamples = 0
    private let queue = DispatchQueue(label: "prep.lmdb.writer")
    private let inFlight = DispatchSemaphore(value: 2)
    private let lock = NSLock()
    private var failure: Error?

    /// Creates the database in `directory` (an existing, empty folder).
    public init(directory: URL, batchSize: Int = 1000, initialMapSize: Int = 64 << 20) throws {
        precondition(batchSize > 0)
        environment = try LMDBEnvironment(buildingAt: directory, initialMapSize: initialMapSize)
        self.batchSize = batchSize
    }

    private func checkFailure() throws {
        lock.lock(); defer { lock.unlock() }
        if let failure { throw failure }
    }

    /// Appends one sample: `image` bytes (nil for a label-only database) and its `label` value
    /// (the text, or the JSON line of a label-only database).
    public func append(image: [UInt8]?, label: [UInt8]) throws {
        written += 1
        if let image { pending.append((RecogLMDBKeys.image(written), image)) }
        pending.append((RecogLMDBKeys.label(written), label))
        pendingSamples += 1
        if pendingSamples == batchSize { try flush() }
    }

    private func flush() throws {
        try checkFailure()
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = []
        pendingSamples = 0
        inFlight.wait()
        queue.async { [self] in
            defer { inFlight.signal() }
            do { try environment.write(batch) } catch {
                lock.lock(); if failure == nil { failure = error }; lock.unlock()
            }
        }
    }

    /// Writes what is left and `num-samples`, syncs to disk and closes the database.
    public func finish() throws {
        pending.append((Array(RecogLMDBKeys.numSamples.utf8), Array(String(written).utf8)))
        try flush()
        queue.sync {}
        try checkFailure()
        try environment.finish()
    }

    /// Waits for batches in flight and closes the database without completing it (the caller
    /// discards the folder).
    public func abandon() {
        queue.sync {}
        environment.close()
    }
}
