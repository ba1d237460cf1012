/// Batch normalisation over NCHW (PyTorch `nn.BatchNorm2d`, affine, track_running_stats).
/// Train: batch mean and biased variance normalise; running stats move by `momentum` (weight of
/// the new batch, 0.1) with the **unbiased** variance; `num_batches_tracked` += 1.
/// Eval: running statistics. State dict: weight, bias, running_mean, running_var,
/// num_batches_tracked (I64, shape []).
///
/// `frozen` (mmdet's frozen stages / `norm_eval`, a pretrained backbone kept as it is): running
/// statistics even in train mode, no update of them, and backward adds no gradient to weight
/// and bias (their `requires_grad = False`); the input gradient still flows.
public final class BatchNorm2d: Module {
    public let channels: Int
    public let eps: Float, momentum: Float
    public let weight: Parameter, bias: Parameter
    public let runningMean: Tensor, runningVar: Tensor
    public let numBatchesTracked = Int64Box(0)
    public var training = true
    /// Eval statistics and no parameter gradients, whatever `training` says.
    public var frozen = false
    public let output = Tensor(shape: [0])
    public let gradInput = Tensor(shape: [0])

    /// x̂ of the last training forward, and 1/√(σ²+ε) per channel (train: batch, eval: running).
    private let normalized = Tensor(shape: [0])
    private let invStd: Tensor
    private var forwardWasTraining = true

    public init(_ channels: Int, eps: Float = 1e-5, momentum: Float = 0.1) {
        self.channels = channels
        self.eps = eps
        self.momentum = momentum
        weight = Parameter("weight", shape: [channels])
        bias = Parameter("bias", shape: [channels])
        weight.value.fill(1)
        runningMean = Tensor(shape: [channels])
        runningVar = Tensor(shape: [channels])
        runningVar.fill(1)
        invStd = Tensor(shape: [channels])
    }

    public func stateEntries() -> [StateEntry] {
        [StateEntry("weight", .parameter(weight)), StateEntry("bias", .parameter(bias)),
         StateEntry("running_mean", .buffer(runningMean)), StateEntry("running_var", .buffer(runningVar)),
         StateEntry("num_batches_tracked", .counter(numBatchesTracked))]
    }

    public func setTraining(_ training: Bool) { self.training = training }

    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.shape.count == 4 && x.shape[1] == channels,
                     "BatchNorm2d expects (N,\(channels),H,W), got \(x.shape)")
        let n = x.shape[0], l = x.shape[2] * x.shape[3], c = channels
        output.resize(x.shape)
        forwardWasTraining = training && !frozen
        let xs = x.data, ys = output.data, gamma = weight.value.data, beta = bias.value.data
        let inv = invStd.data
        if forwardWasTraining {
            normalized.resize(x.shape)
            let xh = normalized.data
            let count = n * l
            precondition(count > 1, "BatchNorm2d in training needs more than one value per channel")
            let rm = runningMean.data, rv = runningVar.data, mom = momentum, e = eps
            Threads.parallelChunks(c) { r in
                for ch in r {
                    var sum: Double = 0
                    for i in 0..<n {
                        let p = xs + (i * c + ch) * l
                        for j in 0..<l { sum += Double(p[j]) }
                    }
                    let mean = sum / Double(count)
                    var sq: Double = 0
                    for i in 0..<n {
                        let p = xs + (i * c + ch) * l
                        for j in 0..<l { let d = Double(p[j]) - mean; sq += d * d }
                    }
                    let varB = sq / Double(count)
                    let istd = Float(1 / (varB + Double(e)).squareRoot())
                    inv[ch] = istd
                    let m = Float(mean), g = gamma[ch], b = beta[ch]
                    for i in 0..<n {
                        let o = (i * c + ch) * l
                        for j in 0..<l {
                            let v = (xs[o + j] - m) * istd
                            xh[o + j] = v
                            ys[o + j] = v * g + b
                        }
                    }
                    rm[ch] = (1 - mom) * rm[ch] + mom * m
                    rv[ch] = (1 - mom) * rv[ch] + mom * Float(sq / Double(count - 1))
                }
            }
            numBatchesTracked.value += 1
        } else {
            let (scales, shifts) = evalAffine()
            Threads.parallelFor(n) { i in
                for ch in 0..<c {
                    let o = (i * c + ch) * l
                    let scale = scales[ch], shift = shifts[ch]
                    for j in 0..<l { ys[o + j] = xs[o + j] * scale + shift }
                }
            }
            input = x
        }
        return output
    }

    private var input: Tensor?

    /// Eval mode as y = x·scale + shift per channel: scale = γ/√(running var + ε),
    /// shift = β − running mean·scale (also sets the 1/√(var + ε) backward reads).
    public func evalAffine() -> (scale: [Float], shift: [Float]) {
        let rm = runningMean.data, rv = runningVar.data, gamma = weight.value.data, beta = bias.value.data
        var scale = [Float](repeating: 0, count: channels), shift = scale
        for ch in 0..<channels {
            invStd[ch] = 1 / (rv[ch] + eps).squareRoot()
            scale[ch] = gamma[ch] * invStd[ch]
            shift[ch] = beta[ch] - rm[ch] * scale[ch]
        }
        return (scale, shift)
    }

    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == output.shape, "BatchNorm2d.backward: dy \(dy.shape) ≠ output \(output.shape)")
        let n = dy.shape[0], l = dy.shape[2] * dy.shape[3], c = channels
        gradInput.resize(dy.shape)
        let d = dy.data, dx = gradInput.data, gamma = weight.value.data, inv = invStd.data
        let gw = weight.grad.data, gb = bias.grad.data
        if forwardWasTraining {
            let xh = normalized.data
            let count = Float(n * l)
            Threads.parallelChunks(c) { r in
                for ch in r {
                    var sdy: Float = 0, sdyx: Float = 0
                    for i in 0..<n {
                        let o = (i * c + ch) * l
                        for j in 0..<l { sdy += d[o + j]; sdyx += d[o + j] * xh[o + j] }
                    }
                    gw[ch] += sdyx
                    gb[ch] += sdy
                    let k = gamma[ch] * inv[ch] / count
                    for i in 0..<n {
                        let o = (i * c + ch) * l
                        for j in 0..<l { dx[o + j] = k * (count * d[o + j] - sdy - xh[o + j] * sdyx) }
                    }
                }
            }
        } else {
            guard let x = input else { preconditionFailure("BatchNorm2d.backward before forward") }
            let xs = x.data, rm = runningMean.data
            Threads.parallelChunks(c) { r in
                for ch in r {
                    var sdy: Float = 0, sdyx: Float = 0
                    let k = gamma[ch] * inv[ch]
                    for i in 0..<n {
                        let o = (i * c + ch) * l
                        for j in 0..<l {
                            sdy += d[o + j]
                            sdyx += d[o + j] * (xs[o + j] - rm[ch]) * inv[ch]
                            dx[o + j] = d[o + j] * k
                        }
                    }
                    if !frozen {
                        gw[ch] += sdyx
                        gb[ch] += sdy
                    }
                }
            }
        }
        return gradInput
    }
}
