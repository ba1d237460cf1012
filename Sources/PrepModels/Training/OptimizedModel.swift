import Foundation
import PrepNN

/// A model with its optimizer, as the trainers drive it: one optimizer step under a learning
/// rate and optional clipping, weights and optimizer state to and from safetensors (PyTorch
/// names). `CRNNRecognizer` and `DBNetDetector` share these through this protocol.
public protocol OptimizedModel: AnyObject {
    /// The module whose state dict is the checkpoint.
    var trainedModule: Module { get }
    var optimizer: Optimizer? { get }
}

extension OptimizedModel {
    /// Clips the gradients' global norm (when `clipNorm` is given), applies one optimizer step at
    /// `learningRate` and zeroes the gradients. Returns the norm before clipping.
    @discardableResult
    public func update(learningRate: Float, clipNorm: Float?) -> Float {
        guard let optimizer else { preconditionFailure("update without an optimizer") }
        let norm = clipNorm.map { GradClip.clipNorm(optimizer.parameters, maxNorm: $0) } ?? 0
        optimizer.learningRate = learningRate
        optimizer.step()
        optimizer.zeroGrad()
        return norm
    }

    public func saveWeights(to url: URL, metadata: [String: String]) throws {
        try SafeTensors.write(trainedModule.stateDict(), metadata: metadata, to: url.path)
    }

    public func saveOptimizer(to url: URL, metadata: [String: String]) throws {
        guard let optimizer else { return }
        try SafeTensors.write(optimizer.stateDict(), metadata: metadata, to: url.path)
    }

    @discardableResult
    public func loadWeights(from url: URL) throws -> [String: String] {
        let file = try SafeTensors.read(path: url.path)
        try trainedModule.loadStateDict(file.tensors, source: url.path)
        return file.metadata
    }

    @discardableResult
    public func loadOptimizer(from url: URL) throws -> [String: String] {
        let file = try SafeTensors.read(path: url.path)
        try optimizer?.loadStateDict(file.tensors, source: url.path)
        return file.metadata
    }
}
