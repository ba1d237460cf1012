import Foundation

/// What the trainer and the predictor need from a recognition network with its CTC loss and
/// optimizer. `CRNNRecognizer` implements it with the engine's CRNN; everything that touches
/// the engine's types lives there, so the training loop reads as the recipe it is.
public protocol RecogNetwork: AnyObject {
    /// Output classes (blank included) = the charset's `classCount`.
    var classCount: Int { get }
    /// Time steps for an input `width` pixels wide.
    func sequenceLength(inputWidth: Int) -> Int
    /// Train mode (batch statistics) or eval mode (running statistics).
    func setTraining(_ training: Bool)
    /// Runs the batch forward and returns the logits laid out `N × T × C`.
    func forward(_ batch: RecogBatch) -> [Float]
    /// CTC loss of the last forward as PyTorch's `reduction='mean'` and each sample's loss
    /// divided by its target length (+∞ when infeasible); with `backward`, the gradients of the
    /// mean loss are accumulated into the parameters.
    func loss(targets: [[Int]], backward: Bool) -> (mean: Float, perSample: [Float])
    /// Clips the gradients' global norm (when `clipNorm` is given), applies one optimizer step at
    /// `learningRate` and zeroes the gradients. Returns the norm before clipping.
    @discardableResult
    func update(learningRate: Float, clipNorm: Float?) -> Float
    /// Writes the weights (PyTorch state-dict names) with string metadata.
    func saveWeights(to url: URL, metadata: [String: String]) throws
    /// Writes the optimizer state (moments, step count) with string metadata.
    func saveOptimizer(to url: URL, metadata: [String: String]) throws
    /// Loads weights written by `saveWeights` (or by PyTorch with the same names); a missing or
    /// mis-shaped tensor is an error naming it. Returns the file's metadata.
    @discardableResult
    func loadWeights(from url: URL) throws -> [String: String]
    @discardableResult
    func loadOptimizer(from url: URL) throws -> [String: String]
}
