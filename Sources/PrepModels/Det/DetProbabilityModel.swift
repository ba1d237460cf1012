/// What `DetPredictor` runs: a network giving one probability map per normalised image — the
/// engine's DBNet (`DBNetDetector`) or an ONNX model run by prep's interpreter (`ONNXDetector`).
public protocol DetProbabilityModel: AnyObject {
    /// Eval mode before predicting (a no-op for a model that only infers).
    func setTraining(_ training: Bool)
    /// Maps of `count` normalised (N, 3, height, width) images, height and width multiples of
    /// 32; one map of height × width per image. Throws when the model cannot take this input.
    func probabilities(_ images: [Float], count: Int, height: Int, width: Int) throws -> [[Float]]
}

extension DBNetDetector: DetProbabilityModel {}
