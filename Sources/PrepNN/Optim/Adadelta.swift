/// PyTorch's `torch.optim.Adadelta` (MMOCR's CRNN recipe: lr 1.0, ρ 0.9, ε 1e-6):
/// s ← ρs + (1−ρ)g²; Δ = √(a+ε)/√(s+ε) · g; a ← ρa + (1−ρ)Δ²; p ← p − lr·Δ.
/// State entries: `<name>.square_avg`, `<name>.acc_delta`, `step`.
public final class Adadelta: Optimizer {
    public var learningRate: Float
    public let rho: Double, eps: Double, weightDecay: Double
    public let named: [(name: String, parameter: Parameter)]
    public var parameters: [Parameter] { named.map(\.parameter) }
    public let squareAvg: [Tensor], accDelta: [Tensor]
    public let stepCount = Int64Box(0)

    public init(_ named: [(name: String, parameter: Parameter)], lr: Float = 1.0, rho: Double = 0.9,
                eps: Double = 1e-6, weightDecay: Double = 0) {
        self.named = named
        learningRate = lr
        self.rho = rho
        self.eps = eps
        self.weightDecay = weightDecay
        squareAvg = named.map { Tensor(shape: $0.parameter.value.shape) }
        accDelta = named.map { Tensor(shape: $0.parameter.value.shape) }
    }

    public func stateEntries() -> [StateEntry] {
        var e = [StateEntry("step", .counter(stepCount))]
        for (i, p) in named.enumerated() {
            e.append(StateEntry(p.name + ".square_avg", .buffer(squareAvg[i])))
            e.append(StateEntry(p.name + ".acc_delta", .buffer(accDelta[i])))
        }
        return e
    }

    public func step() {
        stepCount.value += 1
        let (r, r1, e, wd, lr) = (Float(rho), Float(1 - rho), Float(eps), Float(weightDecay), learningRate)
        Threads.parallelFor(named.count) { i in
            let p = self.named[i].parameter
            let w = p.value.data, g = p.grad.data, s = self.squareAvg[i].data, a = self.accDelta[i].data
            for j in 0..<p.value.count {
                let gj = wd != 0 ? g[j] + wd * w[j] : g[j]
                s[j] = s[j] * r + r1 * gj * gj
                let std = (s[j] + e).squareRoot()
                let delta = (a[j] + e).squareRoot() / std * gj
                a[j] = a[j] * r + r1 * delta * delta
                w[j] = w[j] + (-lr) * delta
            }
        }
        for entry in named { entry.parameter.value.markChanged() }
    }
}
