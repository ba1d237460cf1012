import Foundation
import PrepCore

/// Builds the detector's training batches on worker threads (`OrderedPrefetcher`, bounded
/// prefetch): read and decode each page (`ImageCodec`, EXIF not applied), draw its
/// augmentation from `RecogRandom(seed, epoch, page)`, sample the crop (`DetCanvas`), move the
/// polygons with it and make the DB targets (`DBTargetGenerator`). A batch's contents depend
/// only on (seed, epoch, batch number), never on the number of workers, so a resumed run
/// rebuilds exactly the batches it would have seen.
public final class DetBatchLoader: @unchecked Sendable {
    public struct Options: Sendable {
        public var size: Int
        public var augment: DetAugment?
        public var batchSize: Int
        public var workers: Int
        public var prefetch: Int
        public var seed: UInt64
        public var epoch: Int

        public init(size: Int = 640, augment: DetAugment? = DetAugment(), batchSize: Int, workers: Int = 1, prefetch: Int = 2,
                    seed: UInt64 = 0, epoch: Int = 0) {
            self.size = size
            self.augment = augment
            self.batchSize = batchSize
            self.workers = workers
            self.prefetch = prefetch
            self.seed = seed
            self.epoch = epoch
        }
    }

    public let batchCount: Int
    private let queue: OrderedPrefetcher<DetBatch>

    /// Batches `firstBatch…` of the epoch whose page order is `order` (indices into `pages`).
    public init(pages: [DetPage], order: [Int], options: Options, firstBatch: Int = 0) {
        precondition(options.batchSize > 0 && options.size % 32 == 0)
        batchCount = (order.count + options.batchSize - 1) / options.batchSize
        queue = OrderedPrefetcher(count: batchCount, first: firstBatch, workers: options.workers, prefetch: options.prefetch) { b in
            Self.build(b, pages: pages, order: order, options: options)
        }
    }

    deinit { cancel() }

    public func next() -> DetBatch? { queue.next() }

    public func cancel() { queue.cancel() }

    static func build(_ b: Int, pages: [DetPage], order: [Int], options: Options) -> DetBatch {
        let lo = b * options.batchSize, hi = min(order.count, lo + options.batchSize)
        var batch = DetBatch(number: b, size: options.size)
        let generator = DBTargetGenerator()
        for k in lo..<hi {
            let index = order[k]
            let page = pages[index]
            do {
                let sample = try DetSample.make(page, size: options.size, augment: options.augment,
                                                seed: options.seed, epoch: options.epoch, index: index)
                let made = generator.make(height: options.size, width: options.size, polygons: sample.polygons, ignored: sample.ignored)
                for s in made.skipped {
                    batch.skipped.append(("\(page.location) (\(page.name)) polygon \(s.index + 1)", s.reason))
                }
                batch.images += sample.image
                batch.targets.append(made.targets)
                batch.names.append(page.name)
                batch.polygons.append(sample.polygons)
                batch.ignored.append(sample.ignored)
                batch.count += 1
            } catch {
                batch.failures.append((page.url.path, (error as? PrepError)?.description ?? "\(error)"))
            }
        }
        return batch
    }
}
