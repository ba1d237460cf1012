import Foundation
import XCTest
@testable import PrepNN

/// `SIMDMath` (the LSTM's vectorised gate math) against libm, and the LSTM forward, whose gates
/// use it eight hidden units at a time, against a scalar double-precision LSTM.
final class SIMDMathTests: XCTestCase {
    override func tearDown() { Threads.set(2) }

    func testExpSigmoidTanhMatchLibm() {
        var maxRelExp: Double = 0, maxSig: Float = 0, maxTanh: Float = 0
        var x: Float = -90
        while x < 90 {
            let v = SIMD8<Float>((0..<8).map { x + Float($0) * 0.0131 })
            let e = SIMDMath.exp(v), s = SIMDMath.sigmoid(v), t = SIMDMath.tanh(v)
            for i in 0..<8 {
                let ref = Foundation.exp(Double(v[i]))
                if v[i] > -87 && v[i] < 88 { maxRelExp = max(maxRelExp, abs(Double(e[i]) - ref) / ref) }
                maxSig = max(maxSig, abs(s[i] - Float(1 / (1 + Foundation.exp(-Double(v[i]))))))
                maxTanh = max(maxTanh, abs(t[i] - Float(Foundation.tanh(Double(v[i])))))
                XCTAssertTrue(e[i].isFinite && s[i].isFinite && t[i].isFinite, "x = \(v[i])")
            }
            x += 0.1049
        }
        XCTAssertLessThan(maxRelExp, 3e-7)  // ~2.5 ulp
        XCTAssertLessThan(maxSig, 3e-7)
        XCTAssertLessThan(maxTanh, 5e-7)
        // extremes and NaN
        let ext = SIMD8<Float>(-1000, 1000, 0, -.infinity, .infinity, .nan, 1e-8, -1e-8)
        let t = SIMDMath.tanh(ext), s = SIMDMath.sigmoid(ext)
        XCTAssertEqual(t[0], -1); XCTAssertEqual(t[1], 1); XCTAssertEqual(t[2], 0)
        XCTAssertEqual(s[3], 0, accuracy: 1e-30); XCTAssertEqual(s[4], 1)
        XCTAssertTrue(t[5].isNaN && s[5].isNaN && SIMDMath.exp(ext)[5].isNaN, "NaN stays NaN")
        XCTAssertEqual(t[6], 1e-8, accuracy: 2e-7)
    }

    /// Hidden size 11 (one vector of 8 and a scalar tail of 3), both directions, batch 3.
    func testLSTMForwardMatchesScalarReference() {
        var rng = RNG(seed: 1606)
        let (steps, n, input, h) = (5, 3, 7, 11)
        for threads in [1, 2] {
            Threads.set(threads)
            let lstm = LSTM(inputSize: input, hiddenSize: h, bidirectional: true)
            lstm.resetPyTorchDefault(&rng)
            let x = Tensor(shape: [steps, n, input])
            for i in 0..<x.count { x[i] = rng.uniform(-2, 2) }
            let y = lstm.forward(x)
            XCTAssertEqual(y.shape, [steps, n, 2 * h])
            var worst: Double = 0
            for (di, d) in lstm.directions.enumerated() {
                let wih = d.weightIH.value.values.map(Double.init), whh = d.weightHH.value.values.map(Double.init)
                let bias = zip(d.biasIH.value.values, d.biasHH.value.values).map { Double($0) + Double($1) }
                for b in 0..<n {
                    var hs = [Double](repeating: 0, count: h), cs = hs
                    for s in 0..<steps {
                        let t = d.reverse ? steps - 1 - s : s
                        var z = bias
                        for r in 0..<4 * h {
                            for k in 0..<input { z[r] += wih[r * input + k] * Double(x[(t * n + b) * input + k]) }
                            for k in 0..<h { z[r] += whh[r * h + k] * hs[k] }
                        }
                        func sg(_ v: Double) -> Double { 1 / (1 + Foundation.exp(-v)) }
                        for j in 0..<h {
                            cs[j] = sg(z[h + j]) * cs[j] + sg(z[j]) * Foundation.tanh(z[2 * h + j])
                            hs[j] = sg(z[3 * h + j]) * Foundation.tanh(cs[j])
                            worst = max(worst, abs(hs[j] - Double(y[(t * n + b) * 2 * h + di * h + j])))
                        }
                    }
                }
            }
            XCTAssertLessThan(worst, 1e-5, "threads \(threads)")
        }
    }
}
