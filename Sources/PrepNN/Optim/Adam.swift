import Foundation

/// PyTorch's `torch.optim.Adam` (amsgrad off, L2 `weightDecay` added to the gradient), with its
/// float32 arithmetic order: m ← m + (1−β₁)(g − m); v ← β₂v + (1−β₂)g²;
/// p ← p − (lr/(1−β₁ᵗ)) · m / (√v/√(1−β₂ᵗ) + ε).
/// State entries: `<name>.exp_avg`, `<name>.exp_avg_sq`, `step`.
public final class Adam: Optimizer {
    public var learningRate: Float
    /// Hyper-parameters in double, as PyTorch holds them (Python floats), cast to float32 where
    /// its kernels cast them.
    public let beta1: Double, beta2: Double, eps: Double, weightDecay: Double
    public let named: [(name: String, parameter: Parameter)]
    public var parameters: [Parameter] { named.map(\.parameter) }
    public let expAvg: [Tensor], expAvgSq: [Tensor]
    public let stepCount = Int64Box(0)

    public init(_ named: [(name: String, parameter: Parameter)], lr: Float = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                eps: Double = 1e-8, weightDecay: Double = 0) {
        self.named = named
        learningRate = lr
        beta1 = betas.0; beta2 = betas.1
        self.eps = eps
        self.weightDecay = weightDecay
        expAvg = named.map { Tensor(shape: $0.parameter.value.shape) }
        expAvgSq = named.map { Tensor(shape: $0.parameter.value.shape) }
    }

    public func stateEntries() -> [StateEntry] {
        var e = [StateEntry("step", .counter(stepCount))]
        for (i, p) in named.enumerated() {
            e.append(StateEntry(p.name + ".exp_avg", .buffer(expAvg[i])))
            e.append(StateEntry(p.name + ".exp_avg_sq", .buffer(expAvgSq[i])))
        }
        return e
    }

    public func step() {
        stepCount.value += 1
        let t = Double(stepCount.value)
        // Scalars in double, as PyTorch computes them in Python before the float32 kernels.
        let bc2Sqrt = Float((1 - pow(beta2, t)).squareRoot())
        let stepSize = Float(Double(learningRate) / (1 - pow(beta1, t)))
        let (w1, b2, w2) = (Float(1 - beta1), Float(beta2), Float(1 - beta2))
        let (e, wd) = (Float(eps), Float(weightDecay))
        Threads.parallelFor(named.count) { i in
            let p = self.named[i].parameter
            let w = p.value.data, g = p.grad.data, m = self.expAvg[i].data, v = self.expAvgSq[i].data
            for j in 0..<p.value.count {
                let gj = wd != 0 ? g[j] + wd * w[j] : g[j]
                m[j] = m[j] + w1 * (gj - m[j])  // lerp(m, g, 1−β₁) as ATen computes it for weights < 0.5
                v[j] = v[j] * b2 + w2 * gj * gj
                let denom = v[j].squareRoot() / bc2Sqrt + e
                w[j] = w[j] - stepSize * (m[j] / denom)
            }
        }
        for entry in named { entry.parameter.value.markChanged() }
    }
}
