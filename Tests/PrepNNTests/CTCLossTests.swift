import XCTest
@testable import PrepNN

/// CTC loss against brute-force path enumeration, hand-computed cases and finite differences.
final class CTCLossTests: XCTestCase {
    override func setUp() { Threads.set(2) }

    /// −log Σ over every path of length T that collapses to the target (blank 0).
    func bruteForceNLL(_ logp: [[Double]], _ target: [Int]) -> Double {
        let t = logp.count, c = logp[0].count
        var total = 0.0
        var path = [Int](repeating: 0, count: t)
        func collapse(_ p: [Int]) -> [Int] {
            var out: [Int] = [], prev = -1
            for k in p { if k != prev && k != 0 { out.append(k) }; prev = k }
            return out
        }
        func rec(_ i: Int, _ lp: Double) {
            if i == t { if collapse(path) == target { total += exp(lp) }; return }
            for k in 0..<c { path[i] = k; rec(i + 1, lp + logp[i][k]) }
        }
        rec(0, 0)
        return -log(total)
    }

    func logSoftmax(_ logits: Tensor, t: Int, b: Int) -> [Double] {
        let n = logits.shape[1], c = logits.shape[2]
        let row = (0..<c).map { Double(logits[(t * n + b) * c + $0]) }
        let m = row.max()!
        let z = log(row.map { exp($0 - m) }.reduce(0, +)) + m
        return row.map { $0 - z }
    }

    func testMatchesBruteForceIncludingRepeatsAndEmptyTarget() {
        var rng = RNG(seed: 11)
        let t = 5, c = 4
        let targets = [[1, 2], [3, 3], [], [2, 1, 2]]
        let logits = randomTensor([t, targets.count, c], &rng, scale: 2)
        let r = CTCLoss().compute(logits: logits, targets: targets)
        var mean = 0.0
        for (b, tg) in targets.enumerated() {
            let lp = (0..<t).map { logSoftmax(logits, t: $0, b: b) }
            let expected = bruteForceNLL(lp, tg)
            XCTAssertEqual(r.perSample[b], expected, accuracy: 1e-9 * max(1, expected) + 1e-6, "sample \(b)")
            mean += expected / Double(max(tg.count, 1))
        }
        XCTAssertEqual(Double(r.loss), mean / Double(targets.count), accuracy: 1e-5)
    }

    /// T = 2, C = 2, target "1": p = y₁(1)y₂(1) + y₁(1)y₂(b) + y₁(b)y₂(1) = 1 − y₁(b)y₂(b).
    func testHandComputedTwoSteps() {
        let logits = Tensor(shape: [2, 1, 2], values: [0.3, -0.4, 1.0, 0.2])
        func sm(_ a: Double, _ b: Double) -> (Double, Double) { let z = exp(a) + exp(b); return (exp(a) / z, exp(b) / z) }
        let (b1, _) = sm(0.3, -0.4), (b2, _) = sm(1.0, 0.2)
        let r = CTCLoss().compute(logits: logits, targets: [[1]])
        XCTAssertEqual(r.perSample[0], -log(1 - b1 * b2), accuracy: 1e-7)  // logits are float32
        XCTAssertEqual(Double(r.loss), -log(1 - b1 * b2), accuracy: 1e-6)
    }

    func testGradientMatchesFiniteDifferences() {
        var rng = RNG(seed: 12)
        let targets = [[1, 2, 1], [2], [3, 3]]
        let logits = randomTensor([6, 3, 4], &rng, scale: 1.5)
        let ctc = CTCLoss()
        let g = ctc.compute(logits: logits, targets: targets).gradLogits.values
        GradCheck(h: 1e-2, atol: 1e-4, rtol: 1e-2, samples: 72).check("ctc.logits", logits, g) {
            // loss in double from per-sample NLL to keep the FD clean
            let r = ctc.compute(logits: logits, targets: targets)
            return zip(r.perSample, targets).map { $0 / Double(max($1.count, 1)) }.reduce(0, +) / 3
        }
    }

    func testInputLengthsMaskLaterSteps() {
        var rng = RNG(seed: 13)
        let logits = randomTensor([6, 1, 3], &rng)
        let short = Tensor(shape: [4, 1, 3], values: Array(logits.values[0..<12]))
        let a = CTCLoss().compute(logits: logits, targets: [[1, 2]], inputLengths: [4])
        let b = CTCLoss().compute(logits: short, targets: [[1, 2]])
        XCTAssertEqual(a.perSample[0], b.perSample[0], accuracy: 1e-12)
        XCTAssertEqual(Array(a.gradLogits.values[12...]), [Float](repeating: 0, count: 6))
    }

    /// Target "11" needs 3 steps (a blank between the repeats); T = 2 is infeasible.
    func testInfeasibleTargetIsInfiniteOrZeroed() {
        let logits = Tensor(shape: [2, 2, 3], values: [0.1, 0.2, 0.3, 0.0, 0.5, -0.5,
                                                       0.4, 0.1, 0.2, 0.3, 0.0, 0.1])
        let plain = CTCLoss().compute(logits: logits, targets: [[1, 1], [2]])
        XCTAssertEqual(plain.loss, .infinity)
        XCTAssertEqual(plain.perSample[0], .infinity)
        XCTAssertTrue(plain.gradLogits.values.allSatisfy { $0.isFinite }, "never NaN")
        let zeroed = CTCLoss(zeroInfinity: true).compute(logits: logits, targets: [[1, 1], [2]])
        XCTAssertEqual(Double(zeroed.loss), zeroed.perSample[1] / 1 / 2, accuracy: 1e-6)
        for t in 0..<2 { for k in 0..<3 { XCTAssertEqual(zeroed.gradLogits[(t * 2 + 0) * 3 + k], 0) } }
    }
}
