import XCTest
@testable import PrepNN

/// The inference-only kernels: a convolution with an epilogue (eval BatchNorm + ReLU folded in)
/// against conv → BatchNorm → ReLU as separate layers on every Conv2d path, and one-row GEMMs
/// (the GEMV route of `sgemm`) against the definition.
final class InferenceKernelTests: XCTestCase {
    override func setUp() { Threads.set(2) }

    func conv(_ cin: Int, _ cout: Int, k: Int, pad: Int, _ rng: inout RNG) -> Conv2d {
        let c = Conv2d(cin, cout, kernel: (k, k), padding: (pad, pad))
        c.resetPyTorchDefault(&rng)
        return c
    }

    func norm(_ channels: Int, _ rng: inout RNG) -> BatchNorm2d {
        let bn = BatchNorm2d(channels)
        for i in 0..<channels {
            bn.weight.value[i] = rng.uniform(0.5, 1.5)
            bn.bias.value[i] = rng.uniform(-0.3, 0.3)
            bn.runningMean[i] = rng.uniform(-0.2, 0.2)
            bn.runningVar[i] = rng.uniform(0.5, 2)
        }
        bn.setTraining(false)
        return bn
    }

    /// Batch sizes and images that take the grouped path (8 small images), the one-image-per-GEMM
    /// path (wide images), the wide path (one image on two threads), banded (tiny band budget)
    /// and the pointwise wide path (1×1).
    func testEpilogueMatchesSeparateLayersOnEveryPath() {
        let saved = Conv2d.bandBudget
        defer { Conv2d.bandBudget = saved; Threads.set(2) }
        var rng = RNG(seed: 31)
        let cases: [(n: Int, h: Int, w: Int, k: Int, pad: Int, band: Int, threads: Int)] = [
            (8, 6, 7, 3, 1, saved, 2), (4, 24, 40, 3, 1, saved, 2), (1, 8, 30, 3, 1, saved, 2),
            (1, 9, 20, 3, 1, 200, 2), (2, 12, 70, 3, 1, 200, 1), (1, 5, 9, 1, 0, saved, 2), (3, 5, 9, 2, 0, saved, 1),
        ]
        for (ci, c) in cases.enumerated() {
            Conv2d.bandBudget = c.band
            Threads.set(c.threads)
            let a = conv(3, 5, k: c.k, pad: c.pad, &rng), bn = norm(5, &rng), relu = ReLU()
            let x = Tensor(shape: [c.n, 3, c.h, c.w])
            for i in 0..<x.count { x[i] = rng.uniform(-1, 1) }
            let expected = relu.forward(bn.forward(a.forward(x))).values
            let plainConv = a.forward(x).values
            let fused = a.forward(x, epilogue: .batchNorm(bn, relu: true)).values
            assertClose(fused, expected, "case \(ci) conv+bn+relu")
            let reluOnly = a.forward(x, epilogue: .relu(channels: 5)).values
            assertClose(reluOnly, plainConv.map { max($0, 0) }, "case \(ci) conv+relu")
            let bnOnly = a.forward(x, epilogue: .batchNorm(bn, relu: false)).values
            let bnRef = bn.forward(Tensor(shape: a.output.shape, values: plainConv)).values
            assertClose(bnOnly, bnRef, "case \(ci) conv+bn")
        }
    }

    func testBackwardAfterAnEpilogueIsRefused() {
        // an epilogue forward keeps no input for backward; a plain forward afterwards restores it
        var rng = RNG(seed: 5)
        let a = conv(2, 3, k: 3, pad: 1, &rng)
        let x = Tensor(shape: [2, 2, 4, 5])
        for i in 0..<x.count { x[i] = rng.uniform(-1, 1) }
        _ = a.forward(x)
        _ = a.forward(x, epilogue: .relu(channels: 3))
        let y = a.forward(x)
        XCTAssertEqual(a.backward(Tensor(shape: y.shape, values: [Float](repeating: 1, count: y.count))).shape, x.shape)
    }

    func testOneRowGEMMMatchesTheDefinition() {
        var rng = RNG(seed: 9)
        let n = 37, k = 23, lda = 29, ldb = 41
        for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
            for beta: Float in [0, 1, 0.5] {
                let a = (0..<(ta ? k * lda : lda)).map { _ in rng.uniform(-1, 1) }
                let b = (0..<(tb ? n * ldb : k * ldb)).map { _ in rng.uniform(-1, 1) }
                let c0 = (0..<n).map { _ in rng.uniform(-1, 1) }
                var c = beta == 0 ? [Float](repeating: .nan, count: n) : c0  // NaNs must not survive beta 0
                a.withUnsafeBufferPointer { ap in
                    b.withUnsafeBufferPointer { bp in
                        c.withUnsafeMutableBufferPointer { cp in
                            sgemm(transA: ta, transB: tb, m: 1, n: n, k: k, alpha: 0.75, a: ap.baseAddress!, lda: lda,
                                  b: bp.baseAddress!, ldb: ldb, beta: beta, c: cp.baseAddress!, ldc: n)
                        }
                    }
                }
                for j in 0..<n {
                    var s: Float = 0
                    for p in 0..<k { s += (ta ? a[p * lda] : a[p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]) }
                    let ref = 0.75 * s + (beta == 0 ? 0 : beta * c0[j])
                    XCTAssertEqual(c[j], ref, accuracy: 1e-5, "transA \(ta) transB \(tb) beta \(beta) column \(j)")
                }
            }
        }
    }

    func assertClose(_ a: [Float], _ b: [Float], _ what: String, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, line: line)
        var worst: Float = 0
        for (x, y) in zip(a, b) { worst = max(worst, abs(x - y) / max(1, abs(y))) }
        XCTAssertLessThanOrEqual(worst, 1e-5, "\(what): worst difference \(worst)", line: line)
    }
}
