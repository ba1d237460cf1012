import COpenBLAS
import Dispatch

/// The engine's thread count: OpenBLAS's threads and the engine's own parallel loops.
/// The CLI sets it once from `--nproc` before building a model.
public enum Threads {
    /// The number of threads the engine's own loops use (≥ 1).
    public private(set) static var count: Int = 1

    /// Sets OpenBLAS's thread count and the engine's loops to `n` (clamped to ≥ 1).
    public static func set(_ n: Int) {
        count = max(1, n)
        openblas_set_num_threads(Int32(count))
    }

    /// Runs `body(i)` for i in 0..<n, spread over `count` threads when there is enough work.
    /// `body` must only write memory that belongs to index i.
    @inlinable
    public static func parallelFor(_ n: Int, _ body: (Int) -> Void) {
        if count <= 1 || n <= 1 {
            for i in 0..<n { body(i) }
        } else {
            DispatchQueue.concurrentPerform(iterations: n, execute: body)
        }
    }

    /// Splits 0..<n into at most `count` contiguous chunks and runs `body(range)` for each.
    @inlinable
    public static func parallelChunks(_ n: Int, minChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        let chunks = max(1, min(count, n / max(minChunk, 1)))
        if chunks <= 1 { body(0..<n); return }
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = n * c / chunks, hi = n * (c + 1) / chunks
            if lo < hi { body(lo..<hi) }
        }
    }
}
