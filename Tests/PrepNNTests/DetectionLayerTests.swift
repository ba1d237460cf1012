import XCTest
@testable import PrepNN

/// The layers DBNet adds (ConvTranspose2d, Upsample, Sigmoid, Concat, Add, frozen BatchNorm,
/// Conv2d's one-image multi-thread path) against finite differences (GradCheck) and direct
/// formulas.
final class DetectionLayerTests: XCTestCase {
    override func setUp() { Threads.set(2) }

    func testConvTranspose2dGradients() {
        for (k, s, p, op) in [(2, 2, 0, 0), (3, 2, 1, 1)] {
            var rng = RNG(seed: UInt64(10 + k))
            let ct = ConvTranspose2d(3, 2, kernel: (k, k), stride: (s, s), padding: (p, p), outputPadding: (op, op))
            ct.resetPyTorchDefault(&rng)
            let x = randomTensor([2, 3, 3, 4], &rng)
            let y = ct.forward(x)
            XCTAssertEqual(y.shape, [2, 2, (3 - 1) * s - 2 * p + k + op, (4 - 1) * s - 2 * p + k + op])
            let r = randomValues(y.count, &rng)
            ct.backward(Tensor(shape: y.shape, values: r))
            let loss = { dot(ct.forward(x), r) }
            let gc = GradCheck()
            let dx = ct.gradInput.values
            gc.check("convT\(k).weight", ct.weight.value, ct.weight.grad.values, loss: loss)
            gc.check("convT\(k).bias", ct.bias!.value, ct.bias!.grad.values, loss: loss)
            gc.check("convT\(k).input", x, dx, loss: loss)
        }
    }

    /// Forward against the definition: y[co, iy·s − p + i, ix·s − p + j] += x[ci, iy, ix]·W[ci, co, i, j].
    func testConvTranspose2dForwardMatchesScatter() {
        var rng = RNG(seed: 12)
        let ct = ConvTranspose2d(2, 3, kernel: (3, 2), stride: (2, 3), padding: (1, 0))
        ct.resetPyTorchDefault(&rng)
        let x = randomTensor([1, 2, 3, 2], &rng)
        let y = ct.forward(x)
        let (ho, wo) = (y.shape[2], y.shape[3])
        XCTAssertEqual([ho, wo], [5, 5])
        var want = [Double](repeating: 0, count: 3 * ho * wo)
        for co in 0..<3 { for j in 0..<(ho * wo) { want[co * ho * wo + j] = Double(ct.bias!.value[co]) } }
        for ci in 0..<2 { for iy in 0..<3 { for ix in 0..<2 { for co in 0..<3 { for i in 0..<3 { for j in 0..<2 {
            let oy = iy * 2 - 1 + i, ox = ix * 3 + j
            if oy < 0 || oy >= ho || ox >= wo { continue }
            want[(co * ho + oy) * wo + ox] += Double(x[(ci * 3 + iy) * 2 + ix]) * Double(ct.weight.value[((ci * 3 + co) * 3 + i) * 2 + j])
        } } } } } }
        for (a, b) in zip(y.values, want) { XCTAssertEqual(Double(a), b, accuracy: 1e-5) }
    }

    func testUpsampleNearestAndBilinearGradients() {
        for mode in [Upsample.Mode.nearest, .bilinear] {
            for (oh, ow) in [(6, 8), (5, 7), (2, 3)] {
                var rng = RNG(seed: 20)
                let up = Upsample(mode: mode)
                let x = randomTensor([2, 2, 3, 4], &rng)
                let y = up.forward(x, height: oh, width: ow)
                let r = randomValues(y.count, &rng)
                up.backward(Tensor(shape: y.shape, values: r))
                GradCheck().check("upsample \(mode) \(oh)x\(ow)", x, up.gradInput.values,
                                  loss: { dot(up.forward(x, height: oh, width: ow), r) })
            }
        }
    }

    /// Values computed by PyTorch 2.0.1: F.interpolate(torch.arange(6.).view(1,1,2,3), size=(3,5), mode=…).
    func testUpsampleMatchesPyTorchValues() {
        let x = Tensor(shape: [1, 1, 2, 3], values: [0, 1, 2, 3, 4, 5])
        let nearest = Upsample(mode: .nearest).forward(x, height: 3, width: 5).values
        XCTAssertEqual(nearest, [0, 0, 1, 1, 2, 0, 0, 1, 1, 2, 3, 3, 4, 4, 5])
        let bilinear = Upsample(mode: .bilinear).forward(x, height: 3, width: 5).values
        let want: [Float] = [0, 0.4, 1, 1.6, 2, 1.5, 1.9, 2.5, 3.1, 3.5, 3, 3.4, 4, 4.6, 5]
        for (a, b) in zip(bilinear, want) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }

    func testSigmoidConcatAddGradients() {
        var rng = RNG(seed: 30)
        let sig = Sigmoid(), cat = Concat(), add = Add()
        let a = randomTensor([2, 1, 3, 3], &rng, scale: 3), b = randomTensor([2, 2, 3, 3], &rng), c = randomTensor([2, 3, 3, 3], &rng)
        // loss = Σ r · sigmoid(cat(a, b) + c)
        func run() -> Tensor { sig.forward(add.forward(cat.forward([a, b]), c)) }
        let y = run()
        let r = randomValues(y.count, &rng)
        let g = add.backward(sig.backward(Tensor(shape: y.shape, values: r)))
        let parts = cat.backward(g)
        let gc = GradCheck(h: 1e-3)
        let loss = { dot(run(), r) }
        gc.check("concat a", a, parts[0].values, loss: loss)
        gc.check("concat b", b, parts[1].values, loss: loss)
        gc.check("add c", c, g.values, loss: loss)
    }

    /// A frozen BatchNorm uses running statistics in train mode, leaves them alone and adds no
    /// parameter gradient; its input gradient is the eval one.
    func testFrozenBatchNorm() {
        var rng = RNG(seed: 40)
        let bn = BatchNorm2d(2)
        for i in 0..<2 {
            bn.weight.value[i] = rng.uniform(0.5, 1.5); bn.bias.value[i] = rng.uniform(-1, 1)
            bn.runningMean[i] = rng.uniform(-1, 1); bn.runningVar[i] = rng.uniform(0.5, 2)
        }
        bn.frozen = true
        bn.setTraining(true)
        let x = randomTensor([2, 2, 3, 3], &rng)
        let (rm, rv) = (bn.runningMean.values, bn.runningVar.values)
        let y = bn.forward(x)
        XCTAssertEqual(bn.runningMean.values, rm)
        XCTAssertEqual(bn.runningVar.values, rv)
        XCTAssertEqual(bn.numBatchesTracked.value, 0)
        for j in 0..<x.count {
            let c = (j / 9) % 2
            let want = (x[j] - rm[c]) / (rv[c] + 1e-5).squareRoot() * bn.weight.value[c] + bn.bias.value[c]
            XCTAssertEqual(y[j], want, accuracy: 1e-5)
        }
        let r = randomValues(y.count, &rng)
        bn.backward(Tensor(shape: y.shape, values: r))
        XCTAssertEqual(bn.weight.grad.values, [0, 0])
        XCTAssertEqual(bn.bias.grad.values, [0, 0])
        GradCheck().check("frozen bn input", x, bn.gradInput.values, loss: { dot(bn.forward(x), r) })
    }

    /// One image on two threads takes the wide path (im2col split by channels, GEMMs by rows);
    /// it agrees with the one-thread path, whole or in bands of output rows, for a pointwise and a
    /// strided dilated kernel.
    func testConv2dWidePathMatchesSingleThread() {
        for (k, s, d, p) in [(1, 1, 1, 0), (3, 2, 2, 2)] {
            var rng = RNG(seed: 50)
            let conv = Conv2d(20, 24, kernel: (k, k), stride: (s, s), padding: (p, p), dilation: (d, d))
            conv.resetPyTorchDefault(&rng)
            let x = randomTensor([1, 20, 33, 35], &rng)
            Threads.set(1)
            let y1 = conv.forward(x).values
            let dy = randomTensor(conv.output.shape, &rng)
            conv.zeroGrad()
            conv.backward(dy)
            let (gw1, dx1) = (conv.weight.grad.values, conv.gradInput.values)
            Threads.set(2)
            conv.zeroGrad()
            let y2 = conv.forward(x).values
            conv.backward(dy)
            for (a, b) in zip(y1, y2) { XCTAssertEqual(a, b, accuracy: 1e-4) }
            for (a, b) in zip(gw1, conv.weight.grad.values) { XCTAssertEqual(a, b, accuracy: 1e-3) }
            for (a, b) in zip(dx1, conv.gradInput.values) { XCTAssertEqual(a, b, accuracy: 1e-4) }
            // in bands of a few output rows (a large image's way)
            let saved = Conv2d.bandBudget
            Conv2d.bandBudget = 3 * 20 * k * k * 17
            defer { Conv2d.bandBudget = saved }
            conv.zeroGrad()
            let y3 = conv.forward(x).values
            conv.backward(dy)
            for (a, b) in zip(y1, y3) { XCTAssertEqual(a, b, accuracy: 1e-4) }
            for (a, b) in zip(gw1, conv.weight.grad.values) { XCTAssertEqual(a, b, accuracy: 1e-3) }
            for (a, b) in zip(dx1, conv.gradInput.values) { XCTAssertEqual(a, b, accuracy: 1e-4) }
        }
    }

    /// Large images one per thread (the training path at 640×640) run in bands of output rows
    /// too; one and two threads agree with the whole-image reference.
    func testConv2dBandedPerImagePathMatchesWholeImage() {
        var rng = RNG(seed: 60)
        let conv = Conv2d(6, 5, kernel: (3, 3), stride: (1, 2), padding: (1, 1), bias: true)
        conv.resetPyTorchDefault(&rng)
        let x = randomTensor([2, 6, 40, 50], &rng)  // 40×25 outputs: one image per group
        Threads.set(1)
        let y0 = conv.forward(x).values
        let dy = randomTensor(conv.output.shape, &rng)
        conv.zeroGrad()
        conv.backward(dy)
        let (gw0, gb0, dx0) = (conv.weight.grad.values, conv.bias!.grad.values, conv.gradInput.values)
        let saved = Conv2d.bandBudget
        Conv2d.bandBudget = 6 * 9 * 25 * 7  // bands of 7 output rows
        defer { Conv2d.bandBudget = saved; Threads.set(2) }
        for threads in [1, 2] {
            Threads.set(threads)
            conv.zeroGrad()
            let y = conv.forward(x).values
            conv.backward(dy)
            for (a, b) in zip(y0, y) { XCTAssertEqual(a, b, accuracy: 1e-4) }
            for (a, b) in zip(gw0, conv.weight.grad.values) { XCTAssertEqual(a, b, accuracy: 1e-3) }
            for (a, b) in zip(gb0, conv.bias!.grad.values) { XCTAssertEqual(a, b, accuracy: 1e-3) }
            for (a, b) in zip(dx0, conv.gradInput.values) { XCTAssertEqual(a, b, accuracy: 1e-4) }
        }
    }
}
