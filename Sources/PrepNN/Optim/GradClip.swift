/// Gradient clipping by global L2 norm, as `torch.nn.utils.clip_grad_norm_` (PyTorch 2.0):
/// total = ‖(‖g₁‖, ‖g₂‖, …)‖₂; every gradient is multiplied by min(1, maxNorm/(total + 1e-6)).
public enum GradClip {
    /// Clips in place and returns the total norm before clipping (+∞/NaN if a gradient is).
    @discardableResult
    public static func clipNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
        var total: Double = 0
        for p in parameters {
            let g = p.grad.data
            var s: Double = 0
            for j in 0..<p.grad.count { s += Double(g[j]) * Double(g[j]) }
            total += s
        }
        let norm = Float(total.squareRoot())
        let coef = min(1, maxNorm / (norm + 1e-6))
        if coef < 1 {
            for p in parameters {
                let g = p.grad.data
                for j in 0..<p.grad.count { g[j] *= coef }
            }
        }
        return norm
    }
}
