import XCTest
@testable import PrepNN

/// Central finite differences in float32 with a float64 loss accumulation.
/// Tolerance (stated once for every layer test): |fd − analytic| ≤ atol + rtol·max(|fd|, |analytic|),
/// with step h = 1e-2, atol = 2e-3, rtol = 2e-2 unless a test says otherwise.
struct GradCheck {
    var h: Float = 1e-2
    var atol: Double = 2e-3
    var rtol: Double = 2e-2
    var samples = 30

    /// Checks `analytic` (a copy of the gradient) against finite differences of `loss` with
    /// respect to `value`, on up to `samples` indices spread over the tensor.
    func check(_ label: String, _ value: Tensor, _ analytic: [Float], loss: () -> Double,
               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(value.count, analytic.count, "\(label): gradient size", file: file, line: line)
        let n = value.count
        let idx = n <= samples ? Array(0..<n) : (0..<samples).map { $0 * n / samples }
        var worst = 0.0
        for i in idx {
            let v = value[i]
            value[i] = v + h
            let lp = loss()
            value[i] = v - h
            let lm = loss()
            value[i] = v
            let fd = (lp - lm) / (2 * Double(h))
            let an = Double(analytic[i])
            let err = abs(fd - an)
            worst = max(worst, err / (atol + rtol * max(abs(fd), abs(an))))
            XCTAssertLessThanOrEqual(err, atol + rtol * max(abs(fd), abs(an)),
                                     "\(label)[\(i)]: finite difference \(fd), analytic \(an)", file: file, line: line)
        }
        _ = worst
    }
}

/// Σ r_i·y_i in double: a scalar loss whose gradient with respect to y is r.
func dot(_ y: Tensor, _ r: [Float]) -> Double {
    var s = 0.0
    for i in 0..<y.count { s += Double(y[i]) * Double(r[i]) }
    return s
}

func randomTensor(_ shape: [Int], _ rng: inout RNG, scale: Float = 1) -> Tensor {
    let t = Tensor(shape: shape)
    for i in 0..<t.count { t[i] = rng.uniform(-scale, scale) }
    return t
}

func randomValues(_ n: Int, _ rng: inout RNG) -> [Float] { (0..<n).map { _ in rng.uniform(-1, 1) } }

/// A convolution's weight, bias and input gradients for a random upstream gradient against
/// finite differences of its training forward (GradCheck's default tolerances).
func checkConvGradients(_ conv: Conv2d, x: Tensor, _ rng: inout RNG, file: StaticString = #filePath, line: UInt = #line) {
    let y = conv.forward(x)
    let r = randomValues(y.count, &rng)
    conv.backward(Tensor(shape: y.shape, values: r))
    let loss = { dot(conv.forward(x), r) }
    let gc = GradCheck()
    let dx = conv.gradInput.values
    gc.check("conv.weight", conv.weight.value, conv.weight.grad.values, loss: loss, file: file, line: line)
    gc.check("conv.bias", conv.bias!.value, conv.bias!.grad.values, loss: loss, file: file, line: line)
    gc.check("conv.input", x, dx, loss: loss, file: file, line: line)
}
