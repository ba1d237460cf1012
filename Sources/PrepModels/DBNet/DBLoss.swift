import Foundation
import PrepNN

/// MMOCR 1.x's `DBModuleLoss` with its defaults, on maps at input resolution:
/// - prob: `MaskedBalancedBCEWithLogitsLoss` on P's logits — positives gt·mask, negatives
///   (1 − gt)·mask, OHEM keeps the min(#neg, ⌊3·#pos⌋) largest negative losses (none when there
///   is no positive); (Σ pos + Σ kept) / (#pos + #kept + 1e-6), counts truncated to integers;
/// - binary: `MaskedDiceLoss` on B over the whole batch, 1 − 2Σpg / (Σp + Σg + 1e-6) with
///   p = B·mask, g = gt·mask;
/// - thresh: `MaskedSmoothL1Loss(beta=0)`, i.e. L1, Σ|T·m − g·m| / (Σm + 1e-6) over the batch.
/// Total = 5·prob + 10·thresh + binary. Gradients go to P's logits, T and B.
public struct DBLoss {
    public var weightProb: Double = 5
    public var weightThresh: Double = 10
    public var negativeRatio: Double = 3
    public var eps: Double = 1e-6

    public init() {}

    /// Loss, weighted parts (`loss_prob`, `loss_thr`, `loss_db`) and gradients for
    /// `DBNet.backward`. `out` must come from a train-mode forward; `targets` holds one
    /// `DBTargets` per batch image, each at the output's H×W.
    public func compute(_ out: DBNetOutput, targets: [DBTargets]) -> (loss: Double, parts: [String: Double], grads: DBNetOutputGrad) {
        let shape = out.prob.shape
        precondition(targets.count == shape[0] && targets.allSatisfy { $0.height == shape[2] && $0.width == shape[3] },
                     "DBLoss: one \(shape[2])×\(shape[3]) DBTargets per image needed, got \(targets.map { "\($0.height)×\($0.width)" })")
        let maps = Maps(shrink: targets.flatMap(\.probMap), shrinkMask: targets.flatMap(\.probMask),
                        thresh: targets.flatMap(\.threshMap), threshMask: targets.flatMap(\.threshMask))
        return compute(out, maps: maps)
    }

    /// The four target maps of the whole batch, each N·H·W row-major (image after image).
    struct Maps {
        var shrink: [Float], shrinkMask: [Float], thresh: [Float], threshMask: [Float]
    }

    /// Loss, its weighted parts (`loss_prob`, `loss_thr`, `loss_db`, as MMOCR logs them) and the
    /// gradients for `DBNet.backward`. `out` must come from a train-mode forward.
    func compute(_ out: DBNetOutput, maps: Maps) -> (loss: Double, parts: [String: Double], grads: DBNetOutputGrad) {
        guard let logits = out.probLogits, let thresh = out.thresh, let binary = out.binary else {
            preconditionFailure("DBLoss needs a train-mode DBNet output (logits, thresh and binary maps)")
        }
        let count = logits.count
        precondition([maps.shrink, maps.shrinkMask, maps.thresh, maps.threshMask].allSatisfy { $0.count == count },
                     "DBLoss: target maps must have \(count) values (the output's N·H·W)")
        let gLogits = Tensor(shape: logits.shape), gThresh = Tensor(shape: logits.shape)
        let gBinary = Tensor(shape: logits.shape)
        let prob = balancedBCE(logits, maps.shrink, maps.shrinkMask, grad: gLogits, weight: weightProb)
        let thr = maskedL1(thresh, maps.thresh, maps.threshMask, grad: gThresh, weight: weightThresh)
        let db = dice(binary, maps.shrink, maps.shrinkMask, grad: gBinary)
        let parts = ["loss_prob": prob, "loss_thr": thr, "loss_db": db]
        let grads = DBNetOutputGrad(prob: Tensor(shape: logits.shape), thresh: gThresh, binary: gBinary,
                                    probLogits: gLogits)
        return (prob + thr + db, parts, grads)
    }

    /// Balanced BCE with logits and OHEM; writes weight·∂loss/∂x into `grad`.
    private func balancedBCE(_ x: Tensor, _ gt: [Float], _ mask: [Float], grad: Tensor, weight: Double) -> Double {
        let count = x.count
        var posSum = 0.0, negSum = 0.0
        for i in 0..<count { posSum += Double(gt[i] * mask[i]); negSum += Double((1 - gt[i]) * mask[i]) }
        let posCount = Int(posSum)
        let negCount = posCount == 0 ? 0 : min(Int(negSum), Int(Double(posCount) * negativeRatio))
        var loss = [Float](repeating: 0, count: count)
        var positiveLoss = 0.0
        var negatives: [(Float, Int32)] = []
        for i in 0..<count {
            let v = x[i], g = gt[i]
            // log(1 + e^x) − x·g, stable: max(x, 0) − x·g + log1p(e^−|x|)
            let l = max(v, 0) - v * g + log1p(expf(-abs(v)))
            loss[i] = l
            let pos = g * mask[i], neg = (1 - g) * mask[i]
            positiveLoss += Double(l * pos)
            if neg > 0 { negatives.append((l * neg, Int32(i))) }
        }
        let kept = DBLoss.largest(negCount, of: &negatives)
        var negativeLoss = 0.0
        var negWeight = [Float](repeating: 0, count: count)
        for (v, i) in negatives.prefix(kept) { negativeLoss += Double(v); negWeight[Int(i)] = (1 - gt[Int(i)]) * mask[Int(i)] }
        let denom = Double(posCount + negCount) + eps
        let scale = Float(weight / denom)
        for i in 0..<count {
            let w = gt[i] * mask[i] + negWeight[i]
            grad[i] = w == 0 ? 0 : scale * w * (1 / (1 + expf(-x[i])) - gt[i])
        }
        return weight * (positiveLoss + negativeLoss) / denom
    }

    /// Moves the `k` largest values to the front (in no particular order) by quickselect and
    /// returns how many are there (min(k, count)).
    static func largest(_ k: Int, of items: inout [(Float, Int32)]) -> Int {
        let k = min(k, items.count)
        if k <= 0 || k == items.count { return k }
        var lo = 0, hi = items.count - 1
        var rng = RNG(seed: 0x5eed)
        while lo < hi {
            let pivot = items[lo + Int(rng.next() % UInt64(hi - lo + 1))].0
            var i = lo, j = hi
            while i <= j {
                while items[i].0 > pivot { i += 1 }
                while items[j].0 < pivot { j -= 1 }
                if i <= j { items.swapAt(i, j); i += 1; j -= 1 }
            }
            // [lo, j] ≥ pivot ≥ [i, hi]
            if k - 1 <= j { hi = j } else if k - 1 >= i { lo = i } else { break }
        }
        return k
    }

    /// Σ|T·m − g·m| / (Σm + eps); writes weight·sign(·)·m / (Σm + eps).
    private func maskedL1(_ t: Tensor, _ gt: [Float], _ mask: [Float], grad: Tensor, weight: Double) -> Double {
        var sum = 0.0, maskSum = 0.0
        for i in 0..<t.count { sum += Double(abs(t[i] * mask[i] - gt[i] * mask[i])); maskSum += Double(mask[i]) }
        let denom = maskSum + eps
        let scale = Float(weight / denom)
        for i in 0..<t.count {
            let d = t[i] * mask[i] - gt[i] * mask[i]
            grad[i] = d == 0 ? 0 : scale * mask[i] * (d > 0 ? 1 : -1)
        }
        return weight * sum / denom
    }

    /// 1 − 2Σ(B·m)(g·m) / (Σ B·m + Σ g·m + eps) over the whole batch.
    private func dice(_ b: Tensor, _ gt: [Float], _ mask: [Float], grad: Tensor) -> Double {
        var a = 0.0, s = eps
        for i in 0..<b.count {
            let p = Double(b[i] * mask[i]), g = Double(gt[i] * mask[i])
            a += p * g; s += p + g
        }
        for i in 0..<b.count {
            // ∂(1 − 2a/s)/∂p = −2g/s + 2a/s², times ∂p/∂B = m
            let g = Double(gt[i] * mask[i])
            grad[i] = Float((-2 * g / s + 2 * a / (s * s)) * Double(mask[i]))
        }
        return 1 - 2 * a / s
    }
}
