import Foundation

/// Connectionist temporal classification loss over raw logits (T, N, C), computed in log space
/// (float64 recursions) with log-softmax fused in, as PyTorch's `F.log_softmax` followed by
/// `nn.CTCLoss(blank:, reduction: 'mean', zero_infinity:)`:
/// each sample's negative log-likelihood is divided by max(target length, 1), then the batch
/// is averaged. With `zeroInfinity`, an infeasible sample (T < L + repeats) contributes 0 loss
/// and 0 gradient; without it, its loss is +∞ (and its gradient is still 0, never NaN).
public struct CTCLoss {
    public var blank: Int
    public var zeroInfinity: Bool

    public init(blank: Int = 0, zeroInfinity: Bool = false) {
        self.blank = blank
        self.zeroInfinity = zeroInfinity
    }

    /// The batch loss, each sample's negative log-likelihood (before the length division; +∞
    /// when infeasible), and the gradient of the batch loss with respect to the logits.
    public struct Result {
        public var loss: Float
        public var perSample: [Double]
        public let gradLogits: Tensor
    }

    /// - Parameters:
    ///   - logits: (T, N, C) raw scores.
    ///   - targets: per sample, class indices (never the blank), each length ≤ T.
    ///   - inputLengths: per sample valid steps (default: T for all, as MMOCR).
    ///   - gradInto: an optional tensor to reuse for the gradient.
    public func compute(logits: Tensor, targets: [[Int]], inputLengths: [Int]? = nil,
                        gradInto: Tensor? = nil) -> Result {
        precondition(logits.shape.count == 3, "CTCLoss expects logits (T,N,C), got \(logits.shape)")
        let steps = logits.shape[0], n = logits.shape[1], c = logits.shape[2]
        precondition(targets.count == n, "CTCLoss: \(targets.count) targets for batch \(n)")
        let grad = gradInto ?? Tensor(shape: [0])
        grad.resize(logits.shape)
        var nll = [Double](repeating: 0, count: n)
        let lp = logits.data, gp = grad.data
        let blank = self.blank
        nll.withUnsafeMutableBufferPointer { nllp in
            let nllb = nllp.baseAddress!
            Threads.parallelFor(n) { b in
                let tn = min(inputLengths?[b] ?? steps, steps)
                nllb[b] = CTCLoss.sample(lp: lp, grad: gp, b: b, n: n, c: c, steps: steps, tn: tn,
                                         target: targets[b], blank: blank)
            }
        }
        var total: Double = 0
        for b in 0..<n {
            let scale = 1 / Double(max(targets[b].count, 1)) / Double(n)
            let infinite = !nll[b].isFinite
            if infinite && zeroInfinity { continue }
            total += infinite ? .infinity : nll[b] * scale
            // Gradient rows hold (softmax − posterior); scale them to the batch mean, or zero them.
            let s = Float(infinite ? 0 : scale)
            for t in 0..<steps {
                let row = gp + (t * n + b) * c
                for k in 0..<c { row[k] *= s }
            }
        }
        return Result(loss: Float(total), perSample: nll, gradLogits: grad)
    }

    /// One sample: forward–backward over the extended label (blanks between and around labels),
    /// writes softmax − posterior into its gradient rows, returns −log p(target | x).
    static func sample(lp: UnsafeMutablePointer<Float>, grad: UnsafeMutablePointer<Float>, b: Int, n: Int,
                       c: Int, steps: Int, tn: Int, target: [Int], blank: Int) -> Double {
        let l = target.count, s = 2 * l + 1
        // log-softmax of each row, in double
        var logp = [Double](repeating: 0, count: tn * c)
        for t in 0..<tn {
            let row = lp + (t * n + b) * c
            var m = -Double.infinity
            for k in 0..<c { m = max(m, Double(row[k])) }
            var z: Double = 0
            for k in 0..<c { z += exp(Double(row[k]) - m) }
            let lz = m + log(z)
            for k in 0..<c { logp[t * c + k] = Double(row[k]) - lz }
        }
        for t in tn..<steps {
            let g = grad + (t * n + b) * c
            for k in 0..<c { g[k] = 0 }
        }
        @inline(__always) func label(_ i: Int) -> Int { i % 2 == 0 ? blank : target[i / 2] }
        let ninf = -Double.infinity
        @inline(__always) func lse(_ a: Double, _ b: Double) -> Double {
            if a == ninf { return b }
            if b == ninf { return a }
            let m = max(a, b)
            return m + log(exp(a - m) + exp(b - m))
        }
        var alpha = [Double](repeating: ninf, count: max(tn, 1) * s)
        var beta = [Double](repeating: ninf, count: max(tn, 1) * s)
        if tn == 0 {
            for t in 0..<steps { let g = grad + (t * n + b) * c; for k in 0..<c { g[k] = 0 } }
            return l == 0 ? 0 : .infinity
        }
        alpha[0] = logp[label(0)]
        if s > 1 { alpha[1] = logp[label(1)] }
        for t in 1..<tn {
            for i in 0..<s {
                var a = alpha[(t - 1) * s + i]
                if i >= 1 { a = lse(a, alpha[(t - 1) * s + i - 1]) }
                if i >= 2 && label(i) != blank && label(i) != label(i - 2) {
                    a = lse(a, alpha[(t - 1) * s + i - 2])
                }
                alpha[t * s + i] = a == ninf ? ninf : a + logp[t * c + label(i)]
            }
        }
        let last = (tn - 1) * s
        let logLik = s > 1 ? lse(alpha[last + s - 1], alpha[last + s - 2]) : alpha[last]
        beta[last + s - 1] = logp[(tn - 1) * c + label(s - 1)]
        if s > 1 { beta[last + s - 2] = logp[(tn - 1) * c + label(s - 2)] }
        for t in stride(from: tn - 2, through: 0, by: -1) {
            for i in 0..<s {
                var v = beta[(t + 1) * s + i]
                if i + 1 < s { v = lse(v, beta[(t + 1) * s + i + 1]) }
                if i + 2 < s && label(i) != blank && label(i) != label(i + 2) {
                    v = lse(v, beta[(t + 1) * s + i + 2])
                }
                beta[t * s + i] = v == ninf ? ninf : v + logp[t * c + label(i)]
            }
        }
        if logLik == ninf {
            for t in 0..<tn { let g = grad + (t * n + b) * c; for k in 0..<c { g[k] = 0 } }
            return .infinity
        }
        // γ_t(k) = Σ_{i: label(i)=k} α_t(i)β_t(i) / (p · y_t(k)); since β includes y_t, the
        // posterior of class k at t is exp(lse_i(α+β) − logp_t(k) − logLik).
        var acc = [Double](repeating: ninf, count: c)
        for t in 0..<tn {
            for k in 0..<c { acc[k] = ninf }
            for i in 0..<s {
                let v = alpha[t * s + i] + beta[t * s + i]
                if v != ninf { acc[label(i)] = lse(acc[label(i)], v) }
            }
            let g = grad + (t * n + b) * c
            for k in 0..<c {
                let y = exp(logp[t * c + k])
                let post = acc[k] == ninf ? 0 : exp(acc[k] - logp[t * c + k] - logLik)
                g[k] = Float(y - post)
            }
        }
        return -logLik
    }
}
