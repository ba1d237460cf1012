import XCTest
import PrepNN
@testable import PrepModels

/// DBNet and DBLoss against MMOCR 1.x's own modules (fixtures/dbnet-parity, written by
/// scripts/make_dbnet_fixture.py with torch 2.0.1 / mmocr 1.0.1): state-dict names of the full
/// `dbnet_resnet18_fpnc`, forward parity (eval and train) and backward parity of a tiny-width
/// copy, DBModuleLoss values and gradients; plus finite-difference checks.
final class DBNetTests: XCTestCase {
    override func setUp() { Threads.set(2) }

    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/dbnet-parity")

    struct FixtureConfig: Decodable { var stage_widths: [Int], blocks: [Int], lateral: Int, neck: Int }

    func read(_ name: String) throws -> [String: TensorData] {
        try SafeTensors.read(path: Self.fixture.appendingPathComponent(name).path).tensors
    }

    func tensor(_ d: TensorData, shape: [Int]? = nil) -> Tensor { Tensor(shape: shape ?? d.shape, values: d.floats!) }

    /// (N, H, W) maps as DBNet's (N, 1, H, W).
    func map(_ d: TensorData) -> Tensor { tensor(d, shape: [d.shape[0], 1, d.shape[1], d.shape[2]]) }

    func assertClose(_ a: [Float], _ b: [Float], _ tol: Float, _ what: String, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, what, line: line)
        var worst: Float = 0
        for (x, y) in zip(a, b) { worst = max(worst, abs(x - y) / max(1, abs(y))) }
        XCTAssertLessThanOrEqual(worst, tol, "\(what): worst difference \(worst)", line: line)
    }

    func tinyModel() throws -> DBNet {
        let c = try JSONDecoder().decode(FixtureConfig.self, from: Data(contentsOf: Self.fixture.appendingPathComponent("config.json")))
        let model = DBNet(DBNetConfig(name: "tiny", stageWidths: c.stage_widths, blocks: c.blocks,
                                      lateralChannels: c.lateral, neckChannels: c.neck), randomize: false)
        let path = Self.fixture.appendingPathComponent("weights.safetensors").path
        try model.loadStateDict(SafeTensors.read(path: path).tensors, source: path)
        return model
    }

    func testStateDictNamesAndShapesMatchMMOCR() throws {
        let model = DBNet(.resnet18FPNC(), randomize: false)
        XCTAssertEqual(model.parameterCount, 12_340_930)
        let ours = model.stateEntries().map { e -> String in
            let shape = e.slot.tensor?.shape ?? []
            return "\(e.name) [\(shape.map(String.init).joined(separator: ", "))]"
        }
        let theirs = try String(contentsOf: Self.fixture.appendingPathComponent("state_names.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        XCTAssertEqual(ours, theirs)
        XCTAssertEqual(DBNetConfig.named("dbnet_small"), .small())
        XCTAssertLessThan(DBNet(.small(), randomize: false).parameterCount, model.parameterCount / 3)
    }

    func testForwardAndBackwardParityWithMMOCR() throws {
        let model = try tinyModel()
        let e = try read("expected.safetensors")
        let x = tensor(e["input"]!)
        model.setTraining(false)
        let eval = model.forward(x)
        XCTAssertNil(eval.thresh)
        assertClose(eval.prob.values, e["prob_eval"]!.floats!, 1e-4, "eval prob")
        model.setTraining(true)
        let out = model.forward(x)
        assertClose(out.probLogits!.values, e["logits_train"]!.floats!, 1e-4, "train logits")
        assertClose(out.prob.values, e["prob_train"]!.floats!, 1e-4, "train prob")
        assertClose(out.thresh!.values, e["thresh_train"]!.floats!, 1e-4, "train thresh")
        assertClose(out.binary!.values, e["binary_train"]!.floats!, 1e-4, "train binary")
        model.zeroGrad()
        let zero = Tensor(shape: out.prob.shape)
        model.backward(DBNetOutputGrad(prob: zero, thresh: map(e["r_thresh"]!), binary: map(e["r_binary"]!),
                                       probLogits: map(e["r_logits"]!)))
        let params = Dictionary(uniqueKeysWithValues: model.namedParameters().map { ($0.name, $0.parameter) })
        for (key, want) in e where key.hasPrefix("grad.") {
            let name = String(key.dropFirst(5))
            let got = params[name]!.grad.values, w = want.floats!
            let scale = max(w.map { abs($0) }.max() ?? 1, 1e-3)
            assertClose(got.map { $0 / scale }, w.map { $0 / scale }, 1e-4, "gradient of \(name)")
        }
        let state = model.stateDict()
        for (key, want) in e where key.hasPrefix("after.") {
            let name = String(key.dropFirst(6))
            assertClose(state[name]!.floats!, want.floats!, 1e-5, "running stat \(name)")
        }
    }

    func lossInputs(_ l: [String: TensorData]) -> (DBNetOutput, DBLoss.Maps) {
        let logits = map(l["logits"]!)
        let prob = Tensor(shape: logits.shape, values: logits.values.map { 1 / (1 + expf(-$0)) })
        let out = DBNetOutput(prob: prob, thresh: map(l["thresh"]!), binary: map(l["binary"]!), probLogits: logits)
        let maps = DBLoss.Maps(shrink: l["gt_shrink"]!.floats!, shrinkMask: l["gt_shrink_mask"]!.floats!,
                               thresh: l["gt_thr"]!.floats!, threshMask: l["gt_thr_mask"]!.floats!)
        return (out, maps)
    }

    func testDBLossMatchesMMOCRDBModuleLoss() throws {
        let l = try read("loss.safetensors")
        let (out, maps) = lossInputs(l)
        let r = DBLoss().compute(out, maps: maps)
        for part in ["loss_prob", "loss_thr", "loss_db"] {
            XCTAssertEqual(r.parts[part]!, Double(l[part]!.floats![0]), accuracy: 1e-5, part)
        }
        XCTAssertEqual(r.loss, r.parts.values.reduce(0, +), accuracy: 1e-12)
        assertClose(r.grads.probLogits!.values, l["grad_logits"]!.floats!, 1e-6, "grad logits")
        assertClose(r.grads.thresh.values, l["grad_thresh"]!.floats!, 1e-6, "grad thresh")
        assertClose(r.grads.binary.values, l["grad_binary"]!.floats!, 1e-6, "grad binary")
        XCTAssertEqual(r.grads.prob.values.allSatisfy { $0 == 0 }, true)
        // the same through the public entry point, one DBTargets per image
        let hw = 9 * 11
        let targets = (0..<2).map { i in
            DBTargets(height: 9, width: 11, probMap: Array(maps.shrink[(i * hw)..<((i + 1) * hw)]),
                      probMask: Array(maps.shrinkMask[(i * hw)..<((i + 1) * hw)]),
                      threshMap: Array(maps.thresh[(i * hw)..<((i + 1) * hw)]),
                      threshMask: Array(maps.threshMask[(i * hw)..<((i + 1) * hw)]))
        }
        XCTAssertEqual(DBLoss().compute(out, targets: targets).loss, r.loss)
    }

    func testDBLossGradientMatchesFiniteDifferences() throws {
        let (out, maps) = lossInputs(try read("loss.safetensors"))
        let loss = DBLoss()
        let r = loss.compute(out, maps: maps)
        let h: Float = 1e-3
        for (label, t, g) in [("logits", out.probLogits!, r.grads.probLogits!), ("thresh", out.thresh!, r.grads.thresh),
                              ("binary", out.binary!, r.grads.binary)] {
            for i in stride(from: 0, to: t.count, by: 7) {
                let v = t[i]
                t[i] = v + h; let lp = loss.compute(out, maps: maps).loss
                t[i] = v - h; let lm = loss.compute(out, maps: maps).loss
                t[i] = v
                let fd = (lp - lm) / Double(2 * h), an = Double(g[i])
                XCTAssertLessThanOrEqual(abs(fd - an), 1e-3 + 1e-2 * max(abs(fd), abs(an)), "\(label)[\(i)]: FD \(fd), analytic \(an)")
            }
        }
    }

    /// No positive pixel: no negatives are kept and the prob loss is 0 (MMOCR's fallback 0).
    func testDBLossWithoutPositivesAndOHEMSelection() {
        var items: [(Float, Int32)] = (0..<200).map { (Float(($0 * 37) % 101), Int32($0)) }
        let k = DBLoss.largest(30, of: &items)
        let want = items.map(\.0).sorted(by: >).prefix(30)
        XCTAssertEqual(items.prefix(k).map(\.0).sorted(by: >), Array(want))
        let shape = [1, 1, 2, 3]
        let logits = Tensor(shape: shape, values: [1, -2, 3, 0.5, -1, 2])
        let out = DBNetOutput(prob: logits, thresh: Tensor(shape: shape), binary: Tensor(shape: shape), probLogits: logits)
        let zeros = [Float](repeating: 0, count: 6), ones = [Float](repeating: 1, count: 6)
        let r = DBLoss().compute(out, maps: .init(shrink: zeros, shrinkMask: ones, thresh: zeros, threshMask: ones))
        XCTAssertEqual(r.parts["loss_prob"], 0)
        XCTAssertEqual(r.grads.probLogits!.values, zeros)
    }

    /// The whole model's backward (train mode, all three maps) against finite differences of
    /// L = Σ r_p·P + r_t·T + r_b·B, on a few entries of every parameter. BatchNorms are frozen
    /// (random running statistics): train-mode BN over a few narrow channels is so curved that
    /// float32 differences do not converge (its backward is checked by the layer tests and by
    /// the PyTorch parity above).
    func testWholeModelGradientMatchesFiniteDifferences() {
        let model = DBNet(DBNetConfig(name: "fd", stageWidths: [2, 3, 3, 4], blocks: [1, 1, 1, 1],
                                      lateralChannels: 3, neckChannels: 2, k: 5), seed: 5)
        model.setTraining(true)
        var bnRNG = RNG(seed: 3)
        var frozen = Set<ObjectIdentifier>()  // their parameters get no gradient
        for bn in model.backbone.norms + [model.binarize, model.threshold].flatMap({ [$0.bn1, $0.bn2] }) {
            bn.frozen = true
            frozen.formUnion([ObjectIdentifier(bn.weight), ObjectIdentifier(bn.bias)])
            for c in 0..<bn.channels {
                bn.weight.value[c] = bnRNG.uniform(0.5, 1.5); bn.bias.value[c] = bnRNG.uniform(-0.2, 0.2)
                bn.runningMean[c] = bnRNG.uniform(-0.2, 0.2); bn.runningVar[c] = bnRNG.uniform(0.5, 2)
            }
        }
        var rng = RNG(seed: 8)
        let x = Tensor(shape: [2, 3, 32, 32])
        for i in 0..<x.count { x[i] = rng.uniform(-1, 1) }
        let n = 2 * 32 * 32
        let rp = (0..<n).map { _ in rng.uniform(-1, 1) }, rt = (0..<n).map { _ in rng.uniform(-1, 1) }
        let rb = (0..<n).map { _ in rng.uniform(-1, 1) }
        func loss() -> Double {
            let o = model.forward(x)
            var s = 0.0
            for i in 0..<n { s += Double(rp[i] * o.prob[i]) + Double(rt[i] * o.thresh![i]) + Double(rb[i] * o.binary![i]) }
            return s
        }
        _ = model.forward(x)
        model.zeroGrad()
        let shape = [2, 1, 32, 32]
        model.backward(DBNetOutputGrad(prob: Tensor(shape: shape, values: rp), thresh: Tensor(shape: shape, values: rt),
                                       binary: Tensor(shape: shape, values: rb)))
        var checked = 0, bad: [String] = []
        for (name, p) in model.namedParameters() where !frozen.contains(ObjectIdentifier(p)) {
            let analytic = p.grad.values
            for i in stride(from: 0, to: p.value.count, by: max(1, p.value.count / 3)) {
                let v = p.value[i]
                p.value[i] = v + 2e-3; let lp = loss()
                p.value[i] = v - 2e-3; let lm = loss()
                p.value[i] = v
                let fd = (lp - lm) / 4e-3, an = Double(analytic[i])
                checked += 1
                if abs(fd - an) > 5e-3 + 5e-2 * max(abs(fd), abs(an)) { bad.append("\(name)[\(i)]: FD \(fd), analytic \(an)") }
            }
        }
        // a ReLU kink inside ±h can spoil a single difference; more than that is a real error
        XCTAssertLessThanOrEqual(bad.count, checked / 50, bad.joined(separator: "\n"))
    }
}
