import Foundation

/// Runs `transform` over `items` on up to `workers` threads in batches, handing results to
/// `consume` in input order: outputs are the same for any worker count, and memory is bounded
/// by one batch.
public enum OrderedParallel {
    public static func forEach<T, R>(_ items: [T], workers: Int, batchSize: Int = 256,
                                     transform: (T) -> R, consume: (Int, R) throws -> Void) rethrows {
        var start = 0
        let workers = max(1, workers)
        while start < items.count {
            let end = min(items.count, start + batchSize)
            let count = end - start
            if workers == 1 || count == 1 {
                for i in start..<end { try consume(i, transform(items[i])) }
            } else {
                var results = [R?](repeating: nil, count: count)
                results.withUnsafeMutableBufferPointer { buf in
                    let base = buf.baseAddress!
                    // Stripe the batch over the workers; each writes only its own slots.
                    DispatchQueue.concurrentPerform(iterations: workers) { w in
                        var i = w
                        while i < count {
                            base[i] = transform(items[start + i])
                            i += workers
                        }
                    }
                }
                for i in 0..<count { try consume(start + i, results[i]!) }
            }
            start = end
        }
    }
}
