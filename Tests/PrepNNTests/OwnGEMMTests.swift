import CPrepKernels
import XCTest
@testable import PrepNN

/// prep's AVX-512 SGEMM (`CPrepKernels`, used by `sgemm` when the CPU has AVX-512F) against a
/// double-precision reference and against OpenBLAS: odd sizes around its 12-row, 32-column and
/// 256-deep blocks, both layouts of A and of B, alpha/beta, and beta = 0 over NaN-filled C.
final class OwnGEMMTests: XCTestCase {
    private static let initial = GEMMKernels.usesOwn
    override func tearDown() { GEMMKernels.usesOwn = OwnGEMMTests.initial }

    private func reference(_ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float, _ a: [Float],
                           _ b: [Float], _ beta: Float, _ c: [Float]) -> [Double] {
        var out = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k { s += Double(transA ? a[p * m + i] : a[i * k + p]) * Double(transB ? b[j * k + p] : b[p * n + j]) }
                out[i * n + j] = Double(alpha) * s + (beta == 0 ? 0 : Double(beta) * Double(c[i * n + j]))
            }
        }
        return out
    }

    func testMatchesDoublePrecisionOnOddShapes() throws {
        try XCTSkipUnless(GEMMKernels.ownAvailable, "this CPU has no AVX-512F: sgemm uses OpenBLAS")
        var rng = RNG(seed: 7)
        let shapes = [(1, 1, 1), (2, 17, 3), (5, 31, 7), (12, 32, 256), (13, 33, 257), (25, 70, 600), (4, 16, 1),
                      (37, 5, 513), (11, 100, 40), (24, 64, 255)]
        for (m, n, k) in shapes {
            for (transA, transB) in [(false, false), (false, true), (true, false), (true, true)] {
                for (alpha, beta) in [(Float(1), Float(0)), (1, 1), (0.5, -2)] {
                    let a = (0..<m * k).map { _ in rng.uniform(-1, 1) }, b = (0..<k * n).map { _ in rng.uniform(-1, 1) }
                    var c = (0..<m * n).map { _ in beta == 0 ? Float.nan : rng.uniform(-1, 1) }
                    let want = reference(transA, transB, m, n, k, alpha, a, b, beta, c)
                    a.withUnsafeBufferPointer { ap in
                        b.withUnsafeBufferPointer { bp in
                            c.withUnsafeMutableBufferPointer { cp in
                                prep_sgemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, ap.baseAddress, transA ? m : k, bp.baseAddress,
                                           transB ? k : n, beta, cp.baseAddress, n)
                            }
                        }
                    }
                    let worst = zip(c, want).map { abs(Double($0) - $1) }.max() ?? 0
                    XCTAssertLessThan(worst, 2e-6 * Double(k).squareRoot() + 1e-6,
                                      "m \(m) n \(n) k \(k) transA \(transA) transB \(transB) alpha \(alpha) beta \(beta)")
                }
            }
        }
    }

    func testSubmatricesLeaveTheRestOfCUntouched() throws {
        try XCTSkipUnless(GEMMKernels.ownAvailable, "this CPU has no AVX-512F")
        // A 5×7 product written into the middle of a 9×40 C (ldc 40): columns past n and rows
        // past m keep their values (masked stores).
        var rng = RNG(seed: 3)
        let a = (0..<5 * 4).map { _ in rng.uniform(-1, 1) }, b = (0..<4 * 7).map { _ in rng.uniform(-1, 1) }
        var c = [Float](repeating: 42, count: 9 * 40)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    prep_sgemm(0, 0, 5, 7, 4, 1, ap.baseAddress, 4, bp.baseAddress, 7, 0, cp.baseAddress! + 40 + 3, 40)
                }
            }
        }
        let want = reference(false, false, 5, 7, 4, 1, a, b, 0, [Float](repeating: 0, count: 35))
        for r in 0..<9 {
            for col in 0..<40 {
                let inside = (1...5).contains(r) && (3..<10).contains(col)
                if inside {
                    XCTAssertEqual(Double(c[r * 40 + col]), want[(r - 1) * 7 + col - 3], accuracy: 1e-5)
                } else {
                    XCTAssertEqual(c[r * 40 + col], 42, "row \(r) column \(col) was written")
                }
            }
        }
    }

    func testSgemmAgreesWithOpenBLAS() throws {
        try XCTSkipUnless(GEMMKernels.ownAvailable, "this CPU has no AVX-512F")
        var rng = RNG(seed: 11)
        let m = 64, n = 300, k = 576
        let a = Tensor(shape: [m, k]), b = Tensor(shape: [k, n]), own = Tensor(shape: [m, n]), blas = Tensor(shape: [m, n])
        for i in 0..<a.count { a.data[i] = rng.uniform(-1, 1) }
        for i in 0..<b.count { b.data[i] = rng.uniform(-1, 1) }
        GEMMKernels.usesOwn = true
        sgemm(m: m, n: n, k: k, a: a.data, lda: k, b: b.data, ldb: n, c: own.data, ldc: n)
        GEMMKernels.usesOwn = false
        sgemm(m: m, n: n, k: k, a: a.data, lda: k, b: b.data, ldb: n, c: blas.data, ldc: n)
        var worst: Float = 0
        for i in 0..<own.count { worst = max(worst, abs(own.data[i] - blas.data[i])) }
        XCTAssertLessThan(worst, 1e-4)
        XCTAssertGreaterThan(worst, 0, "both paths gave identical bits: is the own kernel really in use?")
    }
}
