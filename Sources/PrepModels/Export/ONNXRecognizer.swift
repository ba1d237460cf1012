import Foundation
import PrepCore
import PrepNN
import PrepONNX

/// An ONNX recognizer run by prep's own interpreter, as a `RecogNetwork` for `prep infer recog
/// --onnx`: a graph with one input (N, C, 32, W) and an output laid out as MMOCR's exporter
/// does, (N, T, classes) — raw logits (MMOCR 0.x, prep) or softmax probabilities (MMDeploy,
/// recognised by a final Softmax node, turned back into log-probabilities so decoding and
/// scores are the same). Inference only: `update` and `save*` are not available.
public final class ONNXRecognizer: RecogNetwork {
    public let interpreter: ONNXInterpreter
    public let inputName: String, outputName: String
    public let channels: Int
    /// The graph's fixed width, if any (inputs must be resized to it).
    public let fixedWidth: Int?
    /// The graph's fixed batch, if any (batches are cut and padded to it).
    public let fixedBatch: Int?
    public let outputIsProbabilities: Bool
    public private(set) var classCount: Int = 0
    /// The first error a forward pass met (forward cannot throw): the caller must check it.
    public private(set) var failure: ONNXError?
    private var steps: [Int: Int] = [:]
    private let ctc = CTCLoss(blank: Charset.blank, zeroInfinity: false)
    private let logitsTNC = Tensor(shape: [0])

    /// The input recipe: the metadata's `input` (a prep export), else MMOCR's CRNN recipe; the
    /// width is the graph's when the graph fixes it.
    public let spec: RecogInputSpec

    /// Loads `path`, checks its input/output, and probes it once at the recipe's width to learn
    /// the class count (an error here names the node that does not fit).
    public init(path: String) throws {
        interpreter = try ONNXInterpreter(contentsOf: path)
        if let model = interpreter.metadata["model"], model != "CRNN" {
            throw ONNXError(source: path, "the model is a \(model) (metadata_props 'model'), not a text recognizer\(model == "DBNet" ? ": give it to prep infer det --onnx" : "")")
        }
        guard interpreter.inputs.count == 1, let input = interpreter.inputs.first else {
            throw ONNXError(source: path, "a recognizer has one graph input, this model has \(interpreter.inputs.count) (\(interpreter.inputs.map(\.name).joined(separator: ", ")))")
        }
        guard input.dims.count == 4 else {
            throw ONNXError(source: path, location: "input '\(input.name)'", "has rank \(input.dims.count); a recognizer takes (N, C, 32, W)")
        }
        guard let output = interpreter.outputs.first(where: { $0.name == "output" }) ?? interpreter.outputs.first else {
            throw ONNXError(source: path, "the model has no output")
        }
        inputName = input.name
        outputName = output.name
        guard case .fixed(let c) = input.dims[1] else { throw ONNXError(source: path, location: "input '\(input.name)'", "has a dynamic channel dimension") }
        channels = c
        if case .fixed(let h) = input.dims[2], h != CRNNConfig.inputHeight {
            throw ONNXError(source: path, location: "input '\(input.name)'", "has height \(h); prep's recognition pipeline makes 32-pixel-high inputs")
        }
        if case .fixed(let w) = input.dims[3] { fixedWidth = w } else { fixedWidth = nil }
        if case .fixed(let n) = input.dims[0] { fixedBatch = n } else { fixedBatch = nil }
        outputIsProbabilities = interpreter.producerOp(of: outputName) == "Softmax"
        var spec = RecogModelMetadata.inputSpec(interpreter.metadata, channels: c)
        spec.channels = c
        if let fixedWidth { spec.width = fixedWidth }
        self.spec = spec
        let probeWidth = spec.width
        let probe = try run(Tensor(shape: [fixedBatch ?? 1, channels, 32, fixedWidth ?? probeWidth]))
        guard probe.shape.count == 3, probe.shape[0] == (fixedBatch ?? 1) else {
            throw ONNXError(source: path, location: "output '\(outputName)'", "has shape \(probe.shape); a recognizer's output is (N, T, classes)")
        }
        classCount = probe.shape[2]
        steps[fixedWidth ?? probeWidth] = probe.shape[1]
    }

    /// The graph's output (N, T, classes) for `x`, as logits.
    func run(_ x: Tensor) throws -> Tensor {
        guard let out = try interpreter.run([inputName: .float(x)])[outputName], case .float(let t) = out else {
            throw ONNXError(source: interpreter.source, location: "output '\(outputName)'", "is not a float tensor")
        }
        if outputIsProbabilities {
            for i in 0..<t.count { t[i] = logf(max(t[i], 1e-30)) }
        }
        return t
    }

    public func sequenceLength(inputWidth: Int) -> Int {
        if let t = steps[inputWidth] { return t }
        let t = (try? run(Tensor(shape: [fixedBatch ?? 1, channels, 32, inputWidth])).shape[1]) ?? 0
        steps[inputWidth] = t
        return t
    }

    public func setTraining(_ training: Bool) {}

    public func forward(_ batch: RecogBatch) -> [Float] {
        let per = batch.channels * batch.height * batch.width
        let chunk = fixedBatch ?? batch.count
        var result: [Float] = []
        var start = 0
        while start < batch.count {
            let n = min(chunk, batch.count - start)
            let x = Tensor(shape: [chunk, batch.channels, batch.height, batch.width])
            x.zero()
            batch.images.withUnsafeBufferPointer { x.data.update(from: $0.baseAddress! + start * per, count: n * per) }
            do {
                let y = try run(x)
                result += UnsafeBufferPointer(start: y.data, count: n * y.shape[1] * y.shape[2])
            } catch let e as ONNXError {
                if failure == nil { failure = e }
                return [Float](repeating: 0, count: batch.count * sequenceLength(inputWidth: batch.width) * max(classCount, 1))
            } catch {
                if failure == nil { failure = ONNXError(source: interpreter.source, "\(error)") }
                return [Float](repeating: 0, count: batch.count * sequenceLength(inputWidth: batch.width) * max(classCount, 1))
            }
            start += n
        }
        // Kept (T, N, C) for the CTC loss of an audit.
        let T = batch.count > 0 ? result.count / (batch.count * classCount) : 0
        logitsTNC.resize([T, batch.count, classCount])
        for b in 0..<batch.count {
            for t in 0..<T {
                for c in 0..<classCount { logitsTNC.data[(t * batch.count + b) * classCount + c] = result[(b * T + t) * classCount + c] }
            }
        }
        return result
    }

    public func loss(targets: [[Int]], backward: Bool) -> (mean: Float, perSample: [Float]) {
        let r = ctc.compute(logits: logitsTNC, targets: targets)
        return (r.loss, zip(r.perSample, targets).map { Float($0 / Double(max($1.count, 1))) })
    }

    public func update(learningRate: Float, clipNorm: Float?) -> Float {
        preconditionFailure("an ONNX model is run for inference only")
    }

    public func saveWeights(to url: URL, metadata: [String: String]) throws {
        throw PrepError.usage("an ONNX model cannot be saved as a prep checkpoint")
    }

    public func saveOptimizer(to url: URL, metadata: [String: String]) throws {
        throw PrepError.usage("an ONNX model has no optimizer state")
    }

    public func loadWeights(from url: URL) throws -> [String: String] {
        throw PrepError.usage("weights cannot be loaded into an ONNX model")
    }

    public func loadOptimizer(from url: URL) throws -> [String: String] {
        throw PrepError.usage("an ONNX model has no optimizer state")
    }
}

extension ONNXError {
    /// The error as the CLI reports it (exit 1, file and node named).
    public var prepError: PrepError {
        .input(file: source, line: nil, reason: location.map { "\($0): \(message)" } ?? message)
    }
}
