import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// The engine's thread count. The CLI sets it once from `--nproc` before building a model.
///
/// The engine splits work itself — convolutions by groups of images, LSTMs by direction, other
/// GEMMs by rows (`gemmRows`) — and every BLAS call runs single-threaded inside one of its
/// threads: `set` gives OpenBLAS one thread. One fork–join per layer instead of one per GEMM
/// call keeps both cores busy on big GEMMs and avoids OpenBLAS's spinning hand-offs, which
/// cost most on a busy machine.
public enum Threads {
    /// The number of threads the engine's own loops use (≥ 1).
    public private(set) static var count: Int = 1

    /// Sets the engine's threads to `n` (clamped to ≥ 1) and OpenBLAS's to 1.
    public static func set(_ n: Int) {
        count = max(1, n)
        OpenBLAS.setThreads(1)
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
