import Foundation
import PrepCore

/// Builds batches on worker threads (`OrderedPrefetcher`) — read, decode, resize, augment,
/// normalise — and hands them out in order, at most `prefetch` batches ahead of the consumer
/// (bounded memory). Every
/// random choice comes from `RecogRandom(seed, epoch, sample index)`, so a batch's contents
/// are the same whatever the number of workers, and a resumed run rebuilds exactly the batches
/// it would have seen.
public final class RecogBatchLoader: @unchecked Sendable {
    public struct Options: Sendable {
        public var spec: RecogInputSpec
        public var augment: RecogAugment?
        public var batchSize: Int
        public var workers: Int
        public var prefetch: Int
        public var seed: UInt64
        public var epoch: Int
        /// Per-entry widths: each batch is padded to its widest sample instead of `spec.width`
        /// (keep-ratio inputs only; see `RecogWidthBuckets`).
        public var buckets: RecogWidthBuckets?

        public init(spec: RecogInputSpec, augment: RecogAugment? = nil, batchSize: Int, workers: Int = 1, prefetch: Int = 4,
                    seed: UInt64 = 0, epoch: Int = 0, buckets: RecogWidthBuckets? = nil) {
            self.spec = spec
            self.augment = augment
            self.batchSize = batchSize
            self.workers = workers
            self.prefetch = prefetch
            self.seed = seed
            self.epoch = epoch
            self.buckets = buckets
        }
    }

    private let source: any RecogSampleSource
    private let entries: [RecogLabelSet.Entry]
    private let options: Options
    /// Batch b holds entries `order[b·B ..< (b+1)·B]`.
    private let order: [Int]
    public let batchCount: Int
    private let queue: OrderedPrefetcher<RecogBatch>

    /// Batches `firstBatch…` of the epoch whose entry order is `order` (indices into `entries`).
    public init(source: any RecogSampleSource, entries: [RecogLabelSet.Entry], order: [Int], options: Options, firstBatch: Int = 0) {
        precondition(options.batchSize > 0)
        self.source = source
        self.entries = entries
        self.order = order
        self.options = options
        batchCount = (order.count + options.batchSize - 1) / options.batchSize
        // The workers capture the inputs, not the loader, so dropping the loader stops them.
        queue = OrderedPrefetcher(count: batchCount, first: firstBatch, workers: options.workers, prefetch: options.prefetch) { b in
            Self.build(b, source: source, entries: entries, order: order, options: options)
        }
    }

    deinit { cancel() }

    /// The epoch's order for `seed`: a seeded permutation (or identity when not shuffling).
    public static func order(count: Int, seed: UInt64, epoch: Int, shuffle: Bool) -> [Int] {
        guard shuffle else { return Array(0..<count) }
        var rng = RecogRandom(seed: seed, 0x5EED, UInt64(epoch))
        return rng.permutation(count)
    }

    /// The next batch in order, nil after the last (or after `cancel`).
    public func next() -> RecogBatch? { queue.next() }

    /// Stops the workers (they finish the batch in hand) and waits for them.
    public func cancel() { queue.cancel() }

    /// Batch `b`, built on the calling thread.
    public func build(_ b: Int) -> RecogBatch {
        Self.build(b, source: source, entries: entries, order: order, options: options)
    }

    static func build(_ b: Int, source: any RecogSampleSource, entries: [RecogLabelSet.Entry], order: [Int], options: Options) -> RecogBatch {
        var spec = options.spec
        let lo = b * options.batchSize, hi = min(order.count, lo + options.batchSize)
        if let buckets = options.buckets, spec.keepRatio { spec.width = buckets.batchWidth(order[lo..<hi]) }
        let plane = spec.channels * spec.height * spec.width
        var batch = RecogBatch(number: b, images: [], count: 0, channels: spec.channels, height: spec.height, width: spec.width,
                               targets: [], targetLengths: [], validRatios: [], indices: [], names: [], texts: [], failures: [])
        batch.images.reserveCapacity((hi - lo) * plane)
        for k in lo..<hi {
            let entry = entries[order[k]]
            let item = source.item(at: entry.index)
            do {
                let bytes = try source.imageBytes(at: entry.index)
                let pixels = try ImageCodec.decode(bytes, name: item.name, gray: spec.channels == 1)
                guard pixels.width > 0, pixels.height > 0 else { throw PrepError.image(path: item.name, reason: "empty image") }
                var rng = RecogRandom(seed: options.seed, UInt64(options.epoch), UInt64(entry.index))
                let t: RecogInputSpec.Tensor
                if let aug = options.augment {
                    t = spec.tensor(pixels) { planes, c, h, w in aug.apply(&planes, channels: c, height: h, width: w, rng: &rng) }
                } else {
                    t = spec.tensor(pixels)
                }
                batch.images += t.values
                batch.validRatios.append(t.validRatio)
                batch.targets += entry.target
                batch.targetLengths.append(Int32(entry.target.count))
                batch.indices.append(entry.index)
                batch.names.append(item.name)
                batch.texts.append(item.text)
                batch.count += 1
            } catch {
                let reason = (error as? PrepError)?.description ?? "\(error)"
                batch.failures.append((item.location, reason))
            }
        }
        return batch
    }
}
