import XCTest
import PrepNN
@testable import PrepModels

/// DBNet's eval forward with every conv → BatchNorm (→ ReLU) as one convolution with an
/// epilogue (ResNet stem and blocks, head) and the neck on the inference path equals the
/// training-mode layer sequence: exactly the fusion with Winograd off (≤ 1e-5), and within
/// 1e-4 with the 3×3 convolutions as Winograd F(2×2, 3×3).
final class DBNetInferenceFusionTests: XCTestCase {
    override func tearDown() { Conv2d.usesWinograd = true }

    func testFusedEvalForwardEqualsSeparateLayers() {
        Threads.set(2)
        let model = DBNet(.small(), seed: 3)
        var rng = RNG(seed: 8)
        // randomised running statistics and affine terms, so each folded BN changes something
        for bn in model.backbone.norms + [model.binarize.bn1] {
            for c in 0..<bn.channels {
                bn.weight.value[c] = rng.uniform(0.5, 1.5)
                bn.bias.value[c] = rng.uniform(-0.2, 0.2)
                bn.runningMean[c] = rng.uniform(-0.2, 0.2)
                bn.runningVar[c] = rng.uniform(0.5, 2)
            }
        }
        model.setTraining(false)
        for (n, h, w) in [(1, 64, 96), (2, 32, 32)] {
            let x = Tensor(shape: [n, 3, h, w])
            for i in 0..<x.count { x[i] = rng.uniform(-2, 2) }
            model.fusesInference = false
            let separate = model.forward(x).prob.values
            model.fusesInference = true
            Conv2d.usesWinograd = false
            let fusedExact = model.forward(x).prob.values
            Conv2d.usesWinograd = true
            let fused = model.forward(x).prob.values
            XCTAssertEqual(fused.count, n * h * w)
            func worst(_ a: [Float]) -> Float { zip(a, separate).reduce(0) { max($0, abs($1.0 - $1.1)) } }
            XCTAssertLessThanOrEqual(worst(fusedExact), 1e-5, "\(n)×\(h)×\(w) fused, im2col")
            XCTAssertLessThanOrEqual(worst(fused), 1e-4, "\(n)×\(h)×\(w) fused, Winograd")
            XCTAssertGreaterThan(Set(separate.map { ($0 * 100).rounded() }).count, 5, "the map is not constant")
        }
    }
}
