import Foundation
import PrepCore

/// Writes a recognition LMDB in the shared layout (`RecogLMDBKeys`): samples are numbered from 1
/// in the order they are appended, with no gaps, and `num-samples` is the number written.
///
/// Keys are written in their sorted order, so LMDB appends them (`MDB_APPEND`: no tree search,
/// and leaf pages filled instead of split in half when an image is put between the images and
/// the labels already there): the images as they come (`image-…` keys sort before `label-…`),
/// the labels kept meanwhile in an unlinked spool file beside the database and written at the
/// end, then `num-samples`. A label-only database appends its labels at once. Measured: a
/// database of small images (stored in the leaves, under ~2 KB) is ~30 % smaller; images on
/// overflow pages (most crops) and label-only databases ~2–3 %. The file depends only on the samples and
/// the batch size, so a merge of shards that appends the same samples writes the same bytes.
///
/// Full batches are committed on a background queue while the caller prepares the next ones
/// (one write transaction per batch, begun and committed inside one block, so LMDB's
/// one-thread-per-transaction rule holds); at most two batches are in flight.
public final class RecogLMDBWriter: @unchecked Sendable {
    public let environment: LMDBEnvironment
    public let batchSize: Int
    /// Samples appended so far (the last key written is `label-<written>`).
    public private(set) var written = 0
    private var pending: [(key: [UInt8], value: LMDBValue)] = []
    private var pendingSamples = 0
    private let queue = DispatchQueue(label: "prep.lmdb.writer")
    private let inFlight = DispatchSemaphore(value: 2)
    private let lock = NSLock()
    private var failure: Error?
    /// Labels waiting for the images to be written (nil until the first image arrives).
    private var labels: RecordSpool?
    /// The sample whose label is the spool's first.
    private var firstSpooled = 1
    /// The greatest key written so far: a batch whose keys ascend past it is appended.
    private var lastKey: [UInt8] = []

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
        try append(image.map { .owned($0) }, label: .owned(label))
    }

    /// `append(image:label:)` with views of bytes the caller keeps alive and unchanged until
    /// `finish()` or `abandon()` returns (`prep merge`: a shard's mapped values, `LMDBValue`;
    /// batches are written on a background queue, so the views must outlive the last one).
    public func append(borrowedImage image: UnsafeRawBufferPointer?, label: UnsafeRawBufferPointer) throws {
        try append(image.map { .borrowed($0) }, label: .borrowed(label))
    }

    private func append(_ image: LMDBValue?, label: LMDBValue) throws {
        written += 1
        if let image {
            pending.append((RecogLMDBKeys.image(written), image))
            if labels == nil { labels = try RecordSpool(in: environment.path); firstSpooled = written }
        }
        if let labels { try label.withBytes { try labels.append($0) } } else { pending.append((RecogLMDBKeys.label(written), label)) }
        pendingSamples += 1
        if pendingSamples == batchSize { try flush() }
    }

    private func flush() throws {
        try checkFailure()
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = []
        pendingSamples = 0
        // Appended when the keys ascend past every key written (always, but for a label-only
        // start followed by images, or past 999,999,999 samples, where `%09d` stops sorting).
        var ascending = true, greatest = lastKey
        for (key, _) in batch {
            if greatest.lexicographicallyPrecedes(key) { greatest = key } else { ascending = false }
        }
        lastKey = greatest
        let append = ascending
        inFlight.wait()
        queue.async { [self] in
            defer { inFlight.signal() }
            do { try environment.write(values: batch, append: append) } catch {
                lock.lock(); if failure == nil { failure = error }; lock.unlock()
            }
        }
    }

    /// Writes what is left and `num-samples`, syncs to disk and closes the database.
    public func finish() throws {
        if let labels {
            try flush()
            var n = firstSpooled - 1
            while let label = try labels.next() {
                n += 1
                pending.append((RecogLMDBKeys.label(n), .owned(label)))
                pendingSamples += 1
                if pendingSamples == batchSize { try flush() }
            }
            self.labels = nil
        }
        pending.append((Array(RecogLMDBKeys.numSamples.utf8), .owned(Array(String(written).utf8))))
        try flush()
        queue.sync {}
        try checkFailure()
        try environment.finish()
    }

    /// Waits for batches in flight and closes the database without completing it (the caller
    /// discards the folder).
    public func abandon() {
        queue.sync {}
        labels = nil
        environment.close()
    }
}
