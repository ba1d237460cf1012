import XCTest
@testable import PrepNN

/// prep's packed-weight GEMM (CPrepKernels via `PackedWeights`) against a double-precision
/// product on odd sizes, with every kernel family this CPU runs (portable C, AVX2+FMA,
/// AVX-512), and `Conv2d`'s inference forward with it against the OpenBLAS path.
final class PackedGEMMTests: XCTestCase {
    private var savedKernels = ""

    override func setUp() { savedKernels = PackedKernels.name }

    override func tearDown() {
        PackedKernels.cap(savedKernels)
        PackedKernels.enabled = true
        Conv2d.usesWinograd = true
        Threads.set(2)
    }

    /// The kernel families this CPU can run, best first.
    private var families: [String] {
        let best = PackedKernels.cap("avx512")
        return ["avx512", "avx2", "portable"].drop { $0 != best }.map { $0 }
    }

    private func random(_ count: Int, _ rng: inout RNG) -> [Float] { (0..<count).map { _ in rng.uniform(-1, 1) } }

    func testPackedProductMatchesReferenceOnOddSizes() {
        var rng = RNG(seed: 1616)
        // (m, k, n): one row, a partial panel, panels + remainder, K across the 256-row block,
        // N across the 512-column block and every chunk width
        let shapes = [(1, 1, 1), (15, 7, 3), (17, 64, 26), (33, 300, 29), (16, 9, 530), (40, 513, 61), (5, 2, 100)]
        for family in families {
            XCTAssertEqual(PackedKernels.cap(family), family)
            for (m, k, n) in shapes {
                let lda = k + 3, ldb = n + 5, ldc = n + 2
                let a = random(m * lda, &rng), b = random(k * ldb, &rng), c0 = random(m * ldc, &rng)
                let packed = PackedWeights()
                let w = Tensor(shape: [m * lda], values: a)
                packed.pack(w.data, count: 1, m: m, k: k, lda: lda, matrixStride: 0, stamp: WeightStamp(w))
                for accumulate in [false, true] {
                    var c = c0
                    b.withUnsafeBufferPointer { bp in
                        c.withUnsafeMutableBufferPointer { cp in
                            // rows in two calls split on a panel boundary, as threads split them
                            for rows in PackedWeights.rowRanges(m, parts: 2) {
                                packed.multiply(rows: rows, b: bp.baseAddress!, ldb: ldb, n: n, c: cp.baseAddress!, ldc: ldc,
                                                accumulate: accumulate)
                            }
                        }
                    }
                    for i in 0..<m {
                        for j in 0..<ldc {
                            let got = c[i * ldc + j]
                            guard j < n else { XCTAssertEqual(got, c0[i * ldc + j], "\(family) padding touched"); continue }
                            var s: Double = accumulate ? Double(c0[i * ldc + j]) : 0, size: Double = abs(s)
                            for p in 0..<k {
                                let t = Double(a[i * lda + p]) * Double(b[p * ldb + j])
                                s += t
                                size += abs(t)
                            }
                            XCTAssertLessThanOrEqual(abs(Double(got) - s), 1e-6 * max(size, 1),
                                                     "\(family) m \(m) k \(k) n \(n) acc \(accumulate) at \(i),\(j)")
                        }
                    }
                }
            }
        }
    }

    /// Y (N×M) = X · Aᵀ through `transB` and `transC` (how LSTMs use it) against a double
    /// reference, C's other entries untouched.
    func testTransposedOperands() {
        var rng = RNG(seed: 1619)
        for family in families {
            PackedKernels.cap(family)
            for (m, k, n) in [(17, 5, 1), (64, 300, 26), (33, 7, 530)] {
                let ldx = k + 1, ldy = m + 3
                let a = random(m * k, &rng), x = random(n * ldx, &rng), y0 = random(n * ldy, &rng)
                let w = Tensor(shape: [m, k], values: a)
                let packed = PackedWeights().update(from: w, m: m, k: k)
                var y = y0
                x.withUnsafeBufferPointer { xp in
                    y.withUnsafeMutableBufferPointer { yp in
                        packed.multiplyParallel(b: xp.baseAddress!, ldb: ldx, transB: true, n: n, c: yp.baseAddress!, ldc: ldy,
                                                transC: true, accumulate: true)
                    }
                }
                for j in 0..<n {
                    for i in 0..<ldy {
                        guard i < m else { XCTAssertEqual(y[j * ldy + i], y0[j * ldy + i]); continue }
                        var s = Double(y0[j * ldy + i]), size = abs(s)
                        for p in 0..<k {
                            let t = Double(a[i * k + p]) * Double(x[j * ldx + p])
                            s += t
                            size += abs(t)
                        }
                        XCTAssertLessThanOrEqual(abs(Double(y[j * ldy + i]) - s), 1e-6 * max(size, 1), "\(family) \(m)×\(k)×\(n)")
                    }
                }
            }
        }
    }

    /// An LSTM out of training mode (packed weights) against the training-mode forward
    /// (OpenBLAS), one and several sequences, 1 and 2 threads.
    func testLSTMInferenceWithPackedWeightsMatchesTraining() {
        var rng = RNG(seed: 1620)
        for family in families {
            PackedKernels.cap(family)
            for (t, n, input, hidden) in [(5, 1, 19, 13), (7, 3, 40, 24), (4, 2, 8, 33)] {
                let lstm = LSTM(inputSize: input, hiddenSize: hidden, bidirectional: true)
                lstm.resetPyTorchDefault(&rng)
                let x = Tensor(shape: [t, n, input], values: random(t * n * input, &rng))
                for threads in [1, 2] {
                    Threads.set(threads)
                    lstm.setTraining(true)
                    let reference = lstm.forward(x).values
                    lstm.setTraining(false)
                    let mine = lstm.forward(x).values
                    let diff = zip(reference, mine).map { abs($0 - $1) }.max() ?? 0
                    XCTAssertLessThanOrEqual(diff, 1e-5, "\(family) T \(t) N \(n) threads \(threads)")
                }
            }
        }
    }

    /// AVX-512: packed kernels for every product; AVX2 and portable: thin ones only; off: none.
    func testWhichProductsUseThePackedKernels() {
        for family in families {
            PackedKernels.cap(family)
            XCTAssertTrue(PackedKernels.pays(columns: 26), family)
            XCTAssertEqual(PackedKernels.pays(columns: 64 * 26), family == "avx512", family)
        }
        PackedKernels.enabled = false
        XCTAssertFalse(PackedKernels.pays(columns: 26))
    }

    func testRowRangesStartOnPanels() {
        XCTAssertEqual(PackedWeights.rowRanges(512, parts: 2), [0..<256, 256..<512])
        XCTAssertEqual(PackedWeights.rowRanges(35, parts: 3), [0..<16, 16..<32, 32..<35])
        XCTAssertEqual(PackedWeights.rowRanges(35, parts: 5), [0..<16, 16..<32, 32..<35])
        XCTAssertEqual(PackedWeights.rowRanges(10, parts: 2), [0..<10])
    }

    /// Every inference path of `Conv2d` (Winograd grouped / split by channels, im2col grouped,
    /// one image per group, the wide path) with packed weights vs OpenBLAS, 1 and 2 threads.
    func testConvolutionWithPackedWeightsMatchesOpenBLAS() {
        var rng = RNG(seed: 1617)
        // (n, cin, cout, kernel, pad, h, w)
        let cases = [(3, 17, 35, 3, 1, 7, 9), (1, 64, 48, 3, 1, 4, 26), (2, 24, 19, 2, 0, 5, 11),
                     (1, 40, 33, 2, 0, 2, 27), (5, 20, 16, 3, 0, 6, 5), (1, 3, 8, 3, 1, 5, 5)]
        for family in families {
            PackedKernels.cap(family)
            for (ci, (n, cin, cout, kk, pad, h, w)) in cases.enumerated() {
                let conv = Conv2d(cin, cout, kernel: (kk, kk), padding: (pad, pad), bias: ci % 2 == 0)
                conv.resetPyTorchDefault(&rng)
                let x = Tensor(shape: [n, cin, h, w], values: random(n * cin * h * w, &rng))
                let epilogue = ConvEpilogue(scale: random(cout, &rng).map { 1 + $0 / 2 }, shift: random(cout, &rng), relu: ci % 3 == 0)
                for threads in [1, 2] {
                    Threads.set(threads)
                    for winograd in [true, false] {
                        Conv2d.usesWinograd = winograd
                        for e in [nil, epilogue] {
                            PackedKernels.enabled = false
                            let blas = conv.forward(x, epilogue: e).values
                            PackedKernels.enabled = true
                            let mine = conv.forward(x, epilogue: e).values
                            let scale = max(blas.map(abs).max() ?? 1, 1)
                            let diff = zip(blas, mine).map { abs($0 - $1) }.max() ?? 0
                            XCTAssertLessThanOrEqual(diff, 1e-5 * scale,
                                                     "\(family) case \(ci) threads \(threads) winograd \(winograd) epilogue \(e != nil)")
                        }
                    }
                }
            }
        }
    }

    /// The packed weights follow the weights: `set` and a write through the pointer.
    func testPackedWeightsFollowWeightChanges() {
        var rng = RNG(seed: 1618)
        let conv = Conv2d(64, 20, kernel: (2, 2))
        conv.resetPyTorchDefault(&rng)
        let x = Tensor(shape: [2, 64, 3, 5], values: random(2 * 64 * 15, &rng))
        func check(_ what: String) {
            PackedKernels.enabled = false
            let blas = conv.forward(x, epilogue: nil).values
            PackedKernels.enabled = true
            let mine = conv.forward(x, epilogue: nil).values
            let scale = max(blas.map(abs).max() ?? 1, 1)
            XCTAssertLessThanOrEqual(zip(blas, mine).map { abs($0 - $1) }.max() ?? 0, 1e-5 * scale, what)
        }
        check("initial")
        conv.weight.value.set(conv.weight.value.values.map { 2 - $0 })
        check("after set")
        let p = conv.weight.value.data
        for i in 0..<conv.weight.value.count { p[i] *= -1.5 }
        check("after a write through the pointer")
    }
}
