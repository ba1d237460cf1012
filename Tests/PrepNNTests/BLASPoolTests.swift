import XCTest
@testable import PrepNN

/// `Threads.stopBLASPool` (the CLI's first call): BLAS still computes afterwards, whether
/// OpenBLAS is left at its default threads (it re-creates its pool for a large GEMM) or set to
/// one (`Threads.set`), and stopping twice is harmless.
final class BLASPoolTests: XCTestCase {
    func testGEMMAfterThePoolIsStopped() {
        Threads.stopBLASPool()
        Threads.stopBLASPool()
        var rng = RNG(seed: 3)
        let m = 128, n = 96, k = 160
        let a = (0..<(m * k)).map { _ in rng.uniform(-1, 1) }
        let b = (0..<(k * n)).map { _ in rng.uniform(-1, 1) }
        for round in 0..<2 {
            if round == 1 { Threads.set(1) }
            var c = [Float](repeating: .nan, count: m * n)
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        sgemm(m: m, n: n, k: k, a: ap.baseAddress!, lda: k, b: bp.baseAddress!, ldb: n, c: cp.baseAddress!, ldc: n)
                    }
                }
            }
            for i in stride(from: 0, to: m, by: 17) {
                for j in stride(from: 0, to: n, by: 13) {
                    var s: Float = 0
                    for p in 0..<k { s += a[i * k + p] * b[p * n + j] }
                    XCTAssertEqual(c[i * n + j], s, accuracy: 1e-3, "round \(round) row \(i) column \(j)")
                }
            }
        }
    }
}
