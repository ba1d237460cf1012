import PrepNN
import PrepONNX

/// Runs an ONNX file with prep's interpreter and compares it with a reference forward pass
/// (the export's round trip, done after every `prep export`).
public enum ONNXSelfCheck {
    /// The largest |interpreter − reference| over all inputs (fed as `input`, output `output`).
    public static func maxAbsDiff(model path: String, inputs: [Tensor], reference: (Tensor) -> (shape: [Int], values: [Float])) throws -> Float {
        let interpreter = try ONNXInterpreter(contentsOf: path)
        var worst: Float = 0
        for x in inputs {
            guard let y = try interpreter.run(["input": .float(x)])["output"], case .float(let t) = y else {
                throw ONNXError(source: path, location: "output 'output'", "missing or not float")
            }
            let ref = reference(x)
            guard t.shape == ref.shape else {
                throw ONNXError(source: path, location: "output 'output'", "has shape \(t.shape), prep's forward gives \(ref.shape)")
            }
            for i in 0..<t.count {
                let d = abs(t[i] - ref.values[i])
                worst = d.isNaN ? .infinity : max(worst, d)
            }
        }
        return worst
    }
}
