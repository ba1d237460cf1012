import PrepNN

/// DBNet's maps at input resolution, each (N, 1, H, W). `prob` is the sigmoid probability map
/// P; in train mode also the threshold map T, the approximate binary map
/// B = 1/(1 + e^(−k(P − T))) and P's logits (MMOCR 1.x's loss takes the logits).
/// The tensors belong to the model and are overwritten by its next forward.
public struct DBNetOutput {
    public let prob: Tensor
    public let thresh: Tensor?
    public let binary: Tensor?
    /// The binarize branch's output before the sigmoid (train mode only).
    public let probLogits: Tensor?

    public init(prob: Tensor, thresh: Tensor?, binary: Tensor?, probLogits: Tensor? = nil) {
        self.prob = prob
        self.thresh = thresh
        self.binary = binary
        self.probLogits = probLogits
    }
}

/// Loss gradients for `DBNet.backward`, each shaped like the map: with respect to P, T and B,
/// plus optionally directly with respect to P's logits (added after P's sigmoid; `DBLoss` puts
/// its BCE-with-logits gradient there, which stays exact where P saturates to 0 or 1).
public struct DBNetOutputGrad {
    public let prob: Tensor
    public let thresh: Tensor
    public let binary: Tensor
    public let probLogits: Tensor?

    public init(prob: Tensor, thresh: Tensor, binary: Tensor, probLogits: Tensor? = nil) {
        self.prob = prob
        self.thresh = thresh
        self.binary = binary
        self.probLogits = probLogits
    }
}
