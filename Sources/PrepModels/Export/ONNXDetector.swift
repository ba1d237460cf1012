import Foundation
import PrepNN
import PrepONNX

/// An ONNX text detector run by prep's own interpreter, for `prep infer det --onnx`: one graph
/// input (N, 3, H, W) normalised as MMOCR's DBNet, and a probability map as output —
/// (N, H, W) as MMDeploy and `prep export` write it, or (N, C, H, W) whose channel 0 is the map
/// (MMOCR 0.x's [P, T, B], or a map kept at one channel). A model with a fixed input size takes
/// a smaller page padded with zeros at the bottom and right (the test pipeline's own padding),
/// and a fixed batch is filled with empty images. A recognizer, a model normalised differently,
/// or an output that is no map are errors naming the tensor.
public final class ONNXDetector: DetProbabilityModel {
    public let interpreter: ONNXInterpreter
    public let inputName: String, outputName: String
    public let fixedBatch: Int?, fixedHeight: Int?, fixedWidth: Int?

    public init(path: String) throws {
        interpreter = try ONNXInterpreter(contentsOf: path)
        let meta = interpreter.metadata
        if let model = meta["model"], model != "DBNet" {
            throw ONNXError(source: path, "the model is a \(model) (metadata_props 'model'), not a text detector: give it to prep infer \(model == "CRNN" ? "recog" : "…") --onnx")
        }
        guard interpreter.inputs.count == 1, let input = interpreter.inputs.first else {
            throw ONNXError(source: path, "a detector has one graph input, this model has \(interpreter.inputs.count) (\(interpreter.inputs.map(\.name).joined(separator: ", ")))")
        }
        inputName = input.name
        let dims = input.dims
        guard dims.count == 4, dims[1] == .fixed(3) else {
            throw ONNXError(source: path, location: "input '\(input.name)'", "has shape [\(dims.map(\.description).joined(separator: ", "))]; a text detector takes (N, 3, H, W) RGB images (is this a recognizer? give it to prep infer recog --onnx)")
        }
        func fixed(_ d: ONNXDim) -> Int? { if case .fixed(let n) = d { return n } else { return nil } }
        fixedBatch = fixed(dims[0]); fixedHeight = fixed(dims[2]); fixedWidth = fixed(dims[3])
        for (side, n) in [("height", fixedHeight), ("width", fixedWidth)] {
            if let n, n % DBNetConfig.sizeDivisor != 0 || n <= 0 {
                throw ONNXError(source: path, location: "input '\(input.name)'", "has fixed \(side) \(n); prep's detection pipeline pads pages to multiples of \(DBNetConfig.sizeDivisor)")
            }
        }
        for (key, expected) in [("mean", DetCanvas.mean), ("std", DetCanvas.std)] {
            if let text = meta[key], Self.floats(text) != expected {
                throw ONNXError(source: path, "metadata_props '\(key)' is \(text); prep's detection pipeline normalises with MMOCR's \(expected)")
            }
        }
        guard let output = interpreter.outputs.first(where: { $0.name == "output" }) ?? interpreter.outputs.first else {
            throw ONNXError(source: path, "the model has no output")
        }
        outputName = output.name
        // A probe on an empty page checks the output's layout before any image is read.
        let h = fixedHeight ?? 64, w = fixedWidth ?? 64
        _ = try maps(Tensor(shape: [fixedBatch ?? 1, 3, h, w]), height: h, width: w)
    }

    static func floats(_ text: String) -> [Float]? {
        let parts = text.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).split(separator: ",")
        let v = parts.compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
        return v.count == parts.count ? v : nil
    }

    public func setTraining(_ training: Bool) {}

    /// The maps of a batch `x` (its H × W the model's input), each cropped to height × width.
    func maps(_ x: Tensor, height: Int, width: Int) throws -> [[Float]] {
        guard let out = try interpreter.run([inputName: .float(x)])[outputName], case .float(let t) = out else {
            throw ONNXError(source: interpreter.source, location: "output '\(outputName)'", "is not a float tensor")
        }
        let n = x.shape[0], H = x.shape[2], W = x.shape[3]
        let layoutOK = (t.shape.count == 3 && t.shape == [n, H, W]) || (t.shape.count == 4 && t.shape[0] == n && t.shape[1] >= 1 && t.shape[2] == H && t.shape[3] == W)
        guard layoutOK else {
            throw ONNXError(source: interpreter.source, location: "output '\(outputName)'", "has shape \(t.shape) for input \(x.shape); a DBNet's output is the probability map (N, H, W) (or (N, C, H, W) with the map in channel 0)")
        }
        let perImage = t.count / n
        return (0..<n).map { k in
            var map = [Float](repeating: 0, count: height * width)
            let base = t.data + k * perImage
            for y in 0..<height { for u in 0..<width { map[y * width + u] = base[y * W + u] } }
            return map
        }
    }

    public func probabilities(_ images: [Float], count: Int, height: Int, width: Int) throws -> [[Float]] {
        let H = fixedHeight ?? height, W = fixedWidth ?? width
        guard height <= H, width <= W else {
            throw ONNXError(source: interpreter.source, location: "input '\(inputName)'",
                            "has the fixed size \(H)×\(W) (H×W), smaller than a page resized and padded to \(height)×\(width): lower --scale, or export with --height/--width or --dynamic-height --dynamic-width")
        }
        let chunk = fixedBatch ?? count, plane = height * width
        var result: [[Float]] = []
        var start = 0
        while start < count {
            let n = min(chunk, count - start)
            let x = Tensor(shape: [chunk, 3, H, W])
            x.zero()
            images.withUnsafeBufferPointer { src in
                for k in 0..<n {
                    for c in 0..<3 {
                        for y in 0..<height {
                            (x.data + ((k * 3 + c) * H + y) * W).update(from: src.baseAddress! + ((start + k) * 3 + c) * plane + y * width, count: width)
                        }
                    }
                }
            }
            result += try maps(x, height: height, width: width).prefix(n)
            start += n
        }
        return result
    }
}
