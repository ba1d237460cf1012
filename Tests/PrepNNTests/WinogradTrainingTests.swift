import XCTest
@testable import PrepNN

/// `Conv2d`'s Winograd training paths (ConvWinogradTraining.swift): forward, input gradient
/// and weight gradient against the im2col + GEMM paths on odd shapes and channel counts, the
/// gradients against finite differences, and the input gradient's cached weight transform
/// against weight changes. The weight gradient's Winograd path is tested on small channel
/// counts by lowering `winogradWeightGradientMinChannels`.
final class WinogradTrainingTests: XCTestCase {
    override func tearDown() {
        Conv2d.usesWinograd = true
        Conv2d.trainsWithWinograd = true
        Conv2d.winogradWeightGradientMinChannels = 128
        Threads.set(2)
    }

    struct Pass { let y: [Float], dx: [Float], dw: [Float], db: [Float] }

    /// One training forward and backward of `conv` on x and dy.
    func pass(_ conv: Conv2d, _ x: Tensor, _ dy: Tensor, winograd: Bool) -> Pass {
        Conv2d.trainsWithWinograd = winograd
        defer { Conv2d.trainsWithWinograd = true }
        conv.zeroGrad()
        let y = conv.forward(x).values
        conv.backward(dy)
        return Pass(y: y, dx: conv.gradInput.values, dw: conv.weight.grad.values, db: conv.bias?.grad.values ?? [])
    }

    func maxDiff(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    /// Relative to the larger magnitude (gradients summed over a batch grow past 1).
    func relDiff(_ a: [Float], _ b: [Float]) -> Float {
        let scale = max(1, b.map(abs).max() ?? 0)
        return maxDiff(a, b) / scale
    }

    func testWinogradTrainingMatchesIm2colOnOddShapes() {
        let savedBudget = Conv2d.columnBudget
        defer { Conv2d.columnBudget = savedBudget }
        var rng = RNG(seed: 1402)
        // (n, cin, cout, h, w, pad, threads, column budget): grouped images on two threads, one
        // thread, padding 0 and 2, fewer images than threads, tile-row bands of the input
        // gradient (small budget), the CRNN's shapes.
        let cases: [(Int, Int, Int, Int, Int, Int, Int, Int)] = [
            (5, 17, 19, 7, 9, 1, 2, savedBudget), (3, 19, 23, 5, 6, 0, 1, savedBudget),
            (4, 20, 18, 11, 13, 2, 2, savedBudget), (1, 21, 17, 3, 5, 1, 2, savedBudget),
            (3, 17, 16, 33, 15, 1, 2, 16 * 33 * 8 * 2), (6, 16, 33, 8, 33, 1, 2, savedBudget),
            (4, 64, 32, 4, 27, 1, 2, savedBudget),
        ]
        // weight gradients through im2col (threshold 128: these channel counts) and through Winograd (16)
        for minChannels in [128, 16] {
        Conv2d.winogradWeightGradientMinChannels = minChannels
        for (ci, (n, cin, cout, h, w, pad, threads, budget)) in cases.enumerated() {
            Threads.set(threads)
            Conv2d.columnBudget = budget
            let conv = Conv2d(cin, cout, kernel: (3, 3), padding: (pad, pad), bias: ci % 3 != 1)
            conv.resetPyTorchDefault(&rng)
            XCTAssertTrue(conv.trainsThroughWinograd, "case \(ci)")
            let x = randomTensor([n, cin, h, w], &rng)
            let dy = randomTensor([n, cout, h + 2 * pad - 2, w + 2 * pad - 2], &rng)
            let a = pass(conv, x, dy, winograd: true), b = pass(conv, x, dy, winograd: false)
            XCTAssertLessThan(maxDiff(a.y, b.y), 1e-4, "case \(ci) forward")
            XCTAssertLessThan(maxDiff(a.dx, b.dx), 1e-4, "case \(ci) input gradient")
            XCTAssertLessThan(relDiff(a.dw, b.dw), 1e-5, "case \(ci) weight gradient")
            XCTAssertLessThan(relDiff(a.db, b.db), 1e-5, "case \(ci) bias gradient")
            XCTAssertGreaterThan(b.dx.map(abs).max() ?? 0, 0.1, "case \(ci): a real gradient")
            XCTAssertEqual(conv.trainsWeightsThroughWinograd, min(cin, cout) >= minChannels, "case \(ci)")
        }
        }
    }

    /// `usesWinograd = false` still means im2col everywhere: bit-identical to the training
    /// paths without Winograd.
    func testUsesWinogradOffMeansIm2colEverywhere() {
        var rng = RNG(seed: 1403)
        let conv = Conv2d(16, 16, kernel: (3, 3), padding: (1, 1))
        conv.resetPyTorchDefault(&rng)
        let x = randomTensor([4, 16, 6, 7], &rng), dy = randomTensor([4, 16, 6, 7], &rng)
        let b = pass(conv, x, dy, winograd: false)
        Conv2d.usesWinograd = false
        XCTAssertFalse(conv.trainsThroughWinograd)
        let a = pass(conv, x, dy, winograd: true)
        XCTAssertEqual(a.y, b.y)
        XCTAssertEqual(a.dx, b.dx)
        XCTAssertEqual(a.dw, b.dw)
    }

    /// The layer's finite-difference check with the Winograd paths on (tolerances: GradCheck's
    /// defaults, h = 1e-2, |Δ| ≤ 2e-3 + 2e-2·|g|).
    func testWinogradTrainingGradientsAgainstFiniteDifferences() {
        Conv2d.winogradWeightGradientMinChannels = 16
        var rng = RNG(seed: 1404)
        let conv = Conv2d(16, 17, kernel: (3, 3), padding: (1, 1))
        conv.resetPyTorchDefault(&rng)
        XCTAssertTrue(conv.trainsWeightsThroughWinograd)
        let x = randomTensor([3, 16, 5, 7], &rng)
        checkConvGradients(conv, x: x, &rng)
    }

    /// The input gradient's transformed weights are rebuilt after `set`, an Adam step, a write
    /// through the pointer with `markChanged()`, and one without (caught by the fingerprint).
    func testInputGradientWeightsFollowWeightChanges() {
        var rng = RNG(seed: 1405)
        let conv = Conv2d(16, 18, kernel: (3, 3), padding: (1, 1))
        conv.resetPyTorchDefault(&rng)
        let x = randomTensor([2, 16, 6, 5], &rng), dy = randomTensor([2, 18, 6, 5], &rng)
        func check(_ what: String) {
            let a = pass(conv, x, dy, winograd: true), b = pass(conv, x, dy, winograd: false)
            XCTAssertLessThan(maxDiff(a.dx, b.dx), 1e-4, what)
        }
        check("initial")
        conv.weight.value.set(conv.weight.value.values.map { -$0 })
        check("after set")
        let adam = Adam(conv.namedParameters(), lr: 0.5)
        _ = pass(conv, x, dy, winograd: true)
        adam.step()
        check("after an Adam step")
        let p = conv.weight.value.data
        for i in 0..<conv.weight.value.count { p[i] = p[i] * 1.5 + 0.01 }
        conv.weight.value.markChanged()
        check("after a write through the pointer, marked")
        for i in 0..<conv.weight.value.count { p[i] = -p[i] }
        check("after a write through the pointer, unmarked")
    }
}
