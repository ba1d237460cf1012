import XCTest
@testable import PrepNN

/// Adam and Adadelta against PyTorch 2.0.1 trajectories (fixtures/crnn-parity/expected.safetensors,
/// written by scripts/make_crnn_fixture.py), clipping and schedules against their formulas.
final class OptimizerTests: XCTestCase {
    static let expected: [String: TensorData] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try! SafeTensors.read(path: root.appendingPathComponent("fixtures/crnn-parity/expected.safetensors").path).tensors
    }()

    func run(_ make: ([(name: String, parameter: Parameter)]) -> Optimizer, tag: String) {
        let e = Self.expected
        let p = Parameter("p", shape: [7])
        p.value.set(e["optim.p0"]!.floats!)
        let opt = make([("p", p)])
        for (i, g) in ["optim.g1", "optim.g2"].enumerated() {
            p.grad.set(e[g]!.floats!)
            opt.step()
            let want = e["optim.\(tag).after\(i + 1)"]!.floats!
            for (a, b) in zip(p.value.values, want) { XCTAssertEqual(a, b, accuracy: 1e-6 * max(1, abs(b)), "\(tag) step \(i + 1)") }
        }
    }

    func testAdamMatchesPyTorch() { run({ Adam($0, lr: 0.01, weightDecay: 0.01) }, tag: "adam") }
    func testAdadeltaMatchesPyTorch() { run({ Adadelta($0, lr: 1.0, weightDecay: 0.01) }, tag: "adadelta") }

    /// Optimizer state round-trips through safetensors: a restored optimizer continues exactly.
    func testOptimizerStateRoundTripContinuesBitForBit() throws {
        func make() -> (Parameter, Adam) {
            let p = Parameter("w", shape: [3]); p.value.set([0.5, -1, 2])
            return (p, Adam([("w", p)], lr: 0.1))
        }
        let (p1, a1) = make()
        p1.grad.set([0.1, 0.2, -0.3]); a1.step()
        let saved = try SafeTensors.decode(SafeTensors.encode(a1.stateDict()), source: "mem").tensors
        let params = p1.value.values
        let (p2, a2) = make()
        p2.value.set(params)
        try a2.loadStateDict(saved, source: "mem")
        XCTAssertEqual(a2.stepCount.value, 1)
        for (p, a) in [(p1, a1), (p2, a2)] { p.grad.set([-0.2, 0.05, 0.3]); a.step() }
        XCTAssertEqual(p1.value.values, p2.value.values)
        XCTAssertEqual(a1.stateEntries().map(\.name), ["step", "w.exp_avg", "w.exp_avg_sq"])
    }

    func testClipGradNorm() {
        let a = Parameter("a", shape: [2]), b = Parameter("b", shape: [1])
        a.grad.set([3, 0]); b.grad.set([4])
        let norm = GradClip.clipNorm([a, b], maxNorm: 1)
        XCTAssertEqual(norm, 5, accuracy: 1e-6)
        let coef = Float(1) / (5 + 1e-6)
        XCTAssertEqual(a.grad.values, [3 * coef, 0])
        XCTAssertEqual(b.grad[0], 4 * coef, accuracy: 1e-7)
        XCTAssertEqual(GradClip.clipNorm([a, b], maxNorm: 10), 1, accuracy: 1e-5, "below the limit nothing changes")
    }

    func testSchedules() {
        XCTAssertEqual(LRSchedule(base: 1, decay: .step(every: 10, gamma: 0.5)).lr(step: 25), 0.25)
        XCTAssertEqual(LRSchedule(base: 1, decay: .multiStep(milestones: [3, 5], gamma: 0.1)).lr(step: 4), 0.1, accuracy: 1e-7)
        let cos = LRSchedule(base: 1, decay: .cosine(totalSteps: 100, minLR: 0.1))
        XCTAssertEqual(cos.lr(step: 0), 1)
        XCTAssertEqual(cos.lr(step: 50), 0.55, accuracy: 1e-6)
        XCTAssertEqual(cos.lr(step: 100), 0.1, accuracy: 1e-6)
        XCTAssertEqual(cos.lr(step: 500), 0.1, accuracy: 1e-6)
        let warm = LRSchedule(base: 2, warmupSteps: 4, warmupStartFactor: 0.5)
        XCTAssertEqual(warm.lr(step: 0), 1)
        XCTAssertEqual(warm.lr(step: 2), 1.5)
        XCTAssertEqual(warm.lr(step: 4), 2)
    }
}
