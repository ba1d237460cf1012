import XCTest
@testable import PrepNN

/// `Conv2d`'s Winograd F(2×2, 3×3) inference path against its im2col + GEMM path on random
/// shapes (odd sizes, padding 0–2, channel counts not a multiple of 4, batches, every way the
/// work is split), and its cached weight transform against weight changes.
final class WinogradConvTests: XCTestCase {
    override func tearDown() {
        Conv2d.usesWinograd = true
        Threads.set(2)
    }

    func randomConv(_ cin: Int, _ cout: Int, pad: Int, bias: Bool, _ rng: inout RNG) -> Conv2d {
        let c = Conv2d(cin, cout, kernel: (3, 3), padding: (pad, pad), bias: bias)
        c.resetPyTorchDefault(&rng)
        return c
    }

    func randomInput(_ shape: [Int], _ rng: inout RNG) -> Tensor {
        let x = Tensor(shape: shape)
        for i in 0..<x.count { x[i] = rng.uniform(-1, 1) }
        return x
    }

    /// The inference forward with and without Winograd.
    func bothPaths(_ conv: Conv2d, _ x: Tensor, _ epilogue: ConvEpilogue?) -> (winograd: [Float], direct: [Float]) {
        Conv2d.usesWinograd = true
        let w = conv.forward(x, epilogue: epilogue).values
        Conv2d.usesWinograd = false
        let d = conv.forward(x, epilogue: epilogue).values
        Conv2d.usesWinograd = true
        return (w, d)
    }

    func maxDiff(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        return zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    func testWinogradMatchesIm2colOnRandomShapes() {
        let savedBudget = Conv2d.columnBudget
        defer { Conv2d.columnBudget = savedBudget }
        var rng = RNG(seed: 1601)
        // (n, cin, cout, h, w, pad, threads, column budget): grouped images, one thread, the
        // wide path (fewer images than threads), tile-row bands of one large image, odd sizes.
        let cases: [(Int, Int, Int, Int, Int, Int, Int, Int)] = [
            (5, 17, 19, 7, 9, 1, 2, savedBudget), (1, 16, 16, 8, 8, 1, 2, savedBudget),
            (3, 19, 23, 5, 6, 0, 1, savedBudget), (2, 20, 18, 11, 13, 2, 2, savedBudget),
            (1, 21, 17, 3, 3, 1, 2, savedBudget), (1, 17, 16, 33, 15, 1, 2, 16 * 33 * 8 * 2),
            (3, 16, 21, 25, 9, 1, 2, 16 * 37 * 5 * 3), (4, 64, 32, 4, 26, 1, 2, savedBudget),
            // batch 1 split by output channels over 3 threads (uneven shares), and 256 channels in
            (1, 16, 35, 6, 10, 1, 3, savedBudget), (1, 256, 40, 4, 26, 1, 2, savedBudget),
        ]
        for (ci, (n, cin, cout, h, w, pad, threads, budget)) in cases.enumerated() {
            Threads.set(threads)
            Conv2d.columnBudget = budget
            let conv = randomConv(cin, cout, pad: pad, bias: ci % 2 == 0, &rng)
            let x = randomInput([n, cin, h, w], &rng)
            let plain = bothPaths(conv, x, nil)
            XCTAssertEqual(conv.output.shape, [n, cout, h + 2 * pad - 2, w + 2 * pad - 2])
            XCTAssertLessThan(maxDiff(plain.winograd, plain.direct), 1e-4, "case \(ci) plain")
            let shift = (0..<cout).map { _ in rng.uniform(-0.3, 0.3) }
            let scale = (0..<cout).map { _ in rng.uniform(0.5, 1.5) }
            let fused = bothPaths(conv, x, ConvEpilogue(scale: scale, shift: shift, relu: true))
            XCTAssertLessThan(maxDiff(fused.winograd, fused.direct), 1e-4, "case \(ci) epilogue")
            XCTAssertTrue(fused.direct.contains(0), "case \(ci): the ReLU clips something")
            // and the training forward (always im2col) agrees with the inference one
            XCTAssertLessThan(maxDiff(conv.forward(x).values, plain.winograd), 1e-4, "case \(ci) training forward")
        }
    }

    /// The transformed weights are rebuilt after `set`, an optimizer step and a write through
    /// the weights' pointer (caught by the fingerprint).
    func testWinogradWeightsFollowWeightChanges() {
        Threads.set(2)
        var rng = RNG(seed: 77)
        let conv = randomConv(16, 16, pad: 1, bias: true, &rng)
        let x = randomInput([2, 16, 6, 6], &rng)
        func check(_ what: String) {
            let r = bothPaths(conv, x, nil)
            XCTAssertLessThan(maxDiff(r.winograd, r.direct), 1e-4, what)
        }
        check("initial")
        conv.weight.value.set(conv.weight.value.values.map { -$0 })
        check("after set")
        let adam = Adam(conv.namedParameters(), lr: 0.1)
        conv.zeroGrad()
        _ = conv.forward(x)
        conv.backward(Tensor(shape: conv.output.shape, values: [Float](repeating: 1, count: conv.output.count)))
        adam.step()
        check("after an Adam step")
        let p = conv.weight.value.data
        for i in 0..<conv.weight.value.count { p[i] *= 1.5 }
        check("after a write through the pointer")
    }
}
