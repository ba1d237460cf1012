/// Inverted dropout (PyTorch `nn.Dropout`): in training each element is zeroed with
/// probability p and the rest scaled by 1/(1−p); eval is the identity. The mask comes from the
/// layer's own seeded `rng`, whose state a checkpoint saves (`rngState`) for bit-exact resume.
/// The mask stream is prep's own, so masks differ from PyTorch's for the same seed.
public final class Dropout: Module {
    public let p: Float
    public var training = true
    public var rng: RNG
    public let output = Tensor(shape: [0])
    public let gradInput = Tensor(shape: [0])
    private let mask = Tensor(shape: [0])
    private var forwardWasActive = false

    public init(p: Float, seed: UInt64) {
        precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1)")
        self.p = p
        rng = RNG(seed: seed)
    }

    /// Not part of a PyTorch state dict; a trainer saves it beside the model.
    public var rngState: UInt64 {
        get { rng.state }
        set { rng.state = newValue }
    }

    public func stateEntries() -> [StateEntry] { [] }
    public func setTraining(_ training: Bool) { self.training = training }

    public func forward(_ x: Tensor) -> Tensor {
        output.resize(x.shape)
        forwardWasActive = training && p > 0
        if !forwardWasActive {
            output.data.update(from: x.data, count: x.count)
            return output
        }
        mask.resize(x.shape)
        let scale = 1 / (1 - p)
        for i in 0..<x.count {
            let keep: Float = rng.uniform() >= p ? scale : 0
            mask[i] = keep
            output[i] = x[i] * keep
        }
        return output
    }

    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor {
        gradInput.resize(dy.shape)
        if !forwardWasActive {
            gradInput.data.update(from: dy.data, count: dy.count)
        } else {
            for i in 0..<dy.count { gradInput[i] = dy[i] * mask[i] }
        }
        return gradInput
    }
}
