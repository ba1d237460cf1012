import XCTest
@testable import PrepNN

/// Every layer's backward against central finite differences (tolerances in GradCheck).
final class LayerGradientTests: XCTestCase {
    override func setUp() { Threads.set(2) }

    func testConv2dGradientsWithStridePaddingDilation() {
        var rng = RNG(seed: 1)
        let conv = Conv2d(3, 4, kernel: (3, 2), stride: (2, 1), padding: (1, 2), dilation: (1, 2))
        conv.resetPyTorchDefault(&rng)
        checkConvGradients(conv, x: randomTensor([2, 3, 7, 6], &rng), &rng)
    }

    /// The grouped path (several images per GEMM) and the one-image path agree.
    func testConv2dGroupedAndSingleImagePathsAgree() {
        var rng = RNG(seed: 2)
        let conv = Conv2d(2, 3, kernel: (3, 3), padding: (1, 1))
        conv.resetPyTorchDefault(&rng)
        let x = randomTensor([3, 2, 5, 4], &rng)
        let dy = randomTensor([3, 3, 5, 4], &rng)
        let y1 = conv.forward(x).values
        conv.backward(dy)
        let (gw1, dx1) = (conv.weight.grad.values, conv.gradInput.values)
        let saved = Conv2d.columnBudget
        Conv2d.columnBudget = 1
        defer { Conv2d.columnBudget = saved }
        conv.zeroGrad()
        let y2 = conv.forward(x).values
        conv.backward(dy)
        for (a, b) in zip(y1, y2) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        for (a, b) in zip(gw1, conv.weight.grad.values) { XCTAssertEqual(a, b, accuracy: 1e-4) }
        for (a, b) in zip(dx1, conv.gradInput.values) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    /// Forward against a direct six-loop convolution.
    func testConv2dForwardMatchesDirectConvolution() {
        var rng = RNG(seed: 3)
        let conv = Conv2d(2, 3, kernel: (3, 3), stride: (2, 2), padding: (1, 0))
        conv.resetPyTorchDefault(&rng)
        let x = randomTensor([1, 2, 6, 7], &rng)
        let y = conv.forward(x)
        XCTAssertEqual(y.shape, [1, 3, 3, 3])
        for co in 0..<3 { for oy in 0..<3 { for ox in 0..<3 {
            var s = Double(conv.bias!.value[co])
            for ci in 0..<2 { for i in 0..<3 { for j in 0..<3 {
                let iy = oy * 2 - 1 + i, ix = ox * 2 + j
                if iy < 0 || iy >= 6 || ix >= 7 { continue }
                s += Double(conv.weight.value[((co * 2 + ci) * 3 + i) * 3 + j]) * Double(x[(ci * 6 + iy) * 7 + ix])
            } } }
            XCTAssertEqual(Double(y[(co * 3 + oy) * 3 + ox]), s, accuracy: 1e-5)
        } } }
    }

    func testBatchNorm2dTrainGradientsAndRunningStats() {
        var rng = RNG(seed: 4)
        let bn = BatchNorm2d(3)
        for i in 0..<3 { bn.weight.value[i] = rng.uniform(0.5, 1.5); bn.bias.value[i] = rng.uniform(-1, 1) }
        let x = randomTensor([2, 3, 2, 3], &rng, scale: 2)
        let y = bn.forward(x)
        // running stats: momentum 0.1, unbiased variance, counter
        for c in 0..<3 {
            var vals: [Double] = []
            for n in 0..<2 { for j in 0..<6 { vals.append(Double(x[(n * 3 + c) * 6 + j])) } }
            let mean = vals.reduce(0, +) / 12
            let unbiased = vals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 11
            XCTAssertEqual(Double(bn.runningMean[c]), 0.1 * mean, accuracy: 1e-6)
            XCTAssertEqual(Double(bn.runningVar[c]), 0.9 + 0.1 * unbiased, accuracy: 1e-6)
        }
        XCTAssertEqual(bn.numBatchesTracked.value, 1)
        let r = randomValues(y.count, &rng)
        bn.backward(Tensor(shape: y.shape, values: r))
        let loss = { dot(bn.forward(x), r) }
        let gc = GradCheck()
        let dx = bn.gradInput.values
        gc.check("bn.weight", bn.weight.value, bn.weight.grad.values, loss: loss)
        gc.check("bn.bias", bn.bias.value, bn.bias.grad.values, loss: loss)
        gc.check("bn.input", x, dx, loss: loss)
    }

    func testBatchNorm2dEvalGradients() {
        var rng = RNG(seed: 5)
        let bn = BatchNorm2d(2)
        bn.setTraining(false)
        bn.runningMean.set([0.3, -0.2]); bn.runningVar.set([0.5, 2.0]); bn.weight.value.set([1.2, 0.7])
        let x = randomTensor([2, 2, 3, 1], &rng)
        let y = bn.forward(x)
        XCTAssertEqual(y[0], (x[0] - 0.3) / (0.5 + 1e-5).squareRoot() * 1.2, accuracy: 1e-6)
        let r = randomValues(y.count, &rng)
        bn.backward(Tensor(shape: y.shape, values: r))
        let loss = { dot(bn.forward(x), r) }
        let dx = bn.gradInput.values
        GradCheck().check("bn.eval.input", x, dx, loss: loss)
        GradCheck().check("bn.eval.weight", bn.weight.value, bn.weight.grad.values, loss: loss)
        XCTAssertEqual(bn.numBatchesTracked.value, 0, "eval forwards do not count")
    }

    func testReLUGradient() {
        var rng = RNG(seed: 6)
        let relu = ReLU()
        let x = randomTensor([2, 3, 4], &rng)
        for i in 0..<x.count where abs(x[i]) < 0.05 { x[i] = 0.3 }  // keep away from the kink
        let y = relu.forward(x)
        let r = randomValues(y.count, &rng)
        relu.backward(Tensor(shape: y.shape, values: r))
        GradCheck().check("relu.input", x, relu.gradInput.values, loss: { dot(relu.forward(x), r) })
    }

    /// CRNN's pooling2/3: kernel (2,2), stride (2,1), padding (0,1), by hand and by FD.
    func testMaxPoolCRNNPaddingByHandAndGradient() {
        let pool = MaxPool2d(kernel: (2, 2), stride: (2, 1), padding: (0, 1))
        let x = Tensor(shape: [1, 1, 2, 3], values: [1, -5, 3,
                                                     -2, 4, -9])
        let y = pool.forward(x)
        XCTAssertEqual(y.shape, [1, 1, 1, 4])
        XCTAssertEqual(y.values, [1, 4, 4, 3], "padding counts as −∞: a column of negatives still wins at the edge")
        var rng = RNG(seed: 7)
        let x2 = randomTensor([2, 2, 4, 5], &rng)
        let y2 = pool.forward(x2)
        XCTAssertEqual(y2.shape, [2, 2, 2, 6])
        let r = randomValues(y2.count, &rng)
        pool.backward(Tensor(shape: y2.shape, values: r))
        GradCheck(h: 1e-3).check("maxpool.input", x2, pool.gradInput.values, loss: { dot(pool.forward(x2), r) })
    }

    /// The SIMD paths of CRNN's two pools against a direct scan in PyTorch's order (first
    /// maximum wins), on widths that exercise the vector body and the edges, with many ties.
    func testMaxPoolFastPathsMatchDirectScan() {
        var rng = RNG(seed: 17)
        for (stride, pad) in [((2, 2), (0, 0)), ((2, 1), (0, 1))] {
            for w in [8, 17, 25, 34] {
                let pool = MaxPool2d(kernel: (2, 2), stride: stride, padding: pad)
                let x = Tensor(shape: [2, 3, 4, w])
                for i in 0..<x.count { x[i] = Float(Int(rng.next() % 4)) }  // ties everywhere
                let y = pool.forward(x)
                let dy = Tensor(shape: y.shape)
                for i in 0..<dy.count { dy[i] = Float(i % 7) + 1 }
                let dx = pool.backward(dy).values
                var want = [Float](repeating: 0, count: x.count)
                let ho = y.shape[2], wo = y.shape[3]
                for p in 0..<6 { for oy in 0..<ho { for ox in 0..<wo {
                    var best = -Float.infinity, bi = -1
                    for i in 0..<2 { for j in 0..<2 {
                        let iy = oy * stride.0 - pad.0 + i, ix = ox * stride.1 - pad.1 + j
                        if iy < 0 || iy >= 4 || ix < 0 || ix >= w { continue }
                        let v = x[(p * 4 + iy) * w + ix]
                        if v > best || bi < 0 { best = v; bi = iy * w + ix }
                    } }
                    let o = (p * ho + oy) * wo + ox
                    XCTAssertEqual(y[o], best, "stride \(stride) w \(w) at \(o)")
                    want[p * 4 * w + bi] += dy[o]
                } } }
                XCTAssertEqual(dx, want, "gradient routing, stride \(stride) w \(w)")
            }
        }
    }

    func testLinearGradients() {
        var rng = RNG(seed: 8)
        let lin = Linear(5, 3)
        lin.resetPyTorchDefault(&rng)
        let x = randomTensor([2, 4, 5], &rng)
        let y = lin.forward(x)
        XCTAssertEqual(y.shape, [2, 4, 3])
        let r = randomValues(y.count, &rng)
        lin.backward(Tensor(shape: y.shape, values: r))
        let loss = { dot(lin.forward(x), r) }
        let dx = lin.gradInput.values
        GradCheck().check("linear.weight", lin.weight.value, lin.weight.grad.values, loss: loss)
        GradCheck().check("linear.bias", lin.bias!.value, lin.bias!.grad.values, loss: loss)
        GradCheck().check("linear.input", x, dx, loss: loss)
    }

    func testBidirectionalLSTMGradients() {
        var rng = RNG(seed: 9)
        let lstm = LSTM(inputSize: 3, hiddenSize: 4, bidirectional: true)
        lstm.resetPyTorchDefault(&rng)
        for d in lstm.directions { for i in 0..<d.weightIH.value.count { d.weightIH.value[i] *= 2 } }
        let x = randomTensor([5, 2, 3], &rng)
        let y = lstm.forward(x)
        XCTAssertEqual(y.shape, [5, 2, 8])
        let r = randomValues(y.count, &rng)
        lstm.backward(Tensor(shape: y.shape, values: r))
        let loss = { dot(lstm.forward(x), r) }
        let dx = lstm.gradInput.values
        let gc = GradCheck(samples: 40)
        for (name, p) in lstm.namedParameters() { gc.check("lstm." + name, p.value, p.grad.values, loss: loss) }
        gc.check("lstm.input", x, dx, loss: loss)
        XCTAssertEqual(lstm.stateEntries().map(\.name),
                       ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                        "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse"])
    }

    /// One step by hand: PyTorch's gate order i, f, g, o and both biases added.
    func testLSTMSingleStepByHand() {
        let lstm = LSTM(inputSize: 1, hiddenSize: 1, bidirectional: false)
        let d = lstm.directions[0]
        d.weightIH.value.set([0.5, -0.3, 0.8, 0.1])   // i f g o
        d.biasIH.value.set([0.1, 0.2, -0.1, 0.05])
        d.biasHH.value.set([0.0, 0.1, 0.2, -0.05])
        let y = lstm.forward(Tensor(shape: [1, 1, 1], values: [2]))
        func sig(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        let i = sig(0.5 * 2 + 0.1), g = tanh(0.8 * 2 + 0.1), o = sig(0.1 * 2 + 0.0)
        XCTAssertEqual(Double(y[0]), o * tanh(i * g), accuracy: 1e-6)
    }

    func testDropoutScalesMasksAndIsSeeded() {
        let x = Tensor(shape: [1000], values: [Float](repeating: 1, count: 1000))
        let a = Dropout(p: 0.25, seed: 42), b = Dropout(p: 0.25, seed: 42)
        let ya = a.forward(x).values, yb = b.forward(x).values
        XCTAssertEqual(ya, yb, "same seed, same mask")
        XCTAssertTrue(ya.allSatisfy { $0 == 0 || abs($0 - 1 / 0.75) < 1e-6 })
        let kept = ya.filter { $0 != 0 }.count
        XCTAssertTrue((650...850).contains(kept), "about 75 % kept, got \(kept)")
        let g = a.backward(Tensor(shape: [1000], values: [Float](repeating: 2, count: 1000))).values
        for (gi, yi) in zip(g, ya) { XCTAssertEqual(gi, 2 * yi, accuracy: 1e-6) }
        let state = a.rngState
        let next1 = a.forward(x).values
        a.rngState = state
        XCTAssertEqual(a.forward(x).values, next1, "restored RNG state repeats the mask")
        a.setTraining(false)
        XCTAssertEqual(a.forward(x).values, x.values)
    }
}
