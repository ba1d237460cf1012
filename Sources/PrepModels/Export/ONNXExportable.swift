import Foundation
import PrepCore
import PrepNN
import PrepONNX

/// A model `prep export` can write as ONNX and check against ONNX Runtime: the CRNN
/// (`CRNNONNXExport`) and DBNet (`DBNetONNXExport`), each with its own graph builder and sample
/// inputs; `ONNXCheckpoint.open` chooses by the checkpoint's tensor names. Nothing else in
/// export or verify depends on the model.
public protocol ONNXExportable {
    /// A short name for reports ("CRNN").
    var kind: String { get }
    /// The graph with weights as initializers and the model's metadata in `metadata_props`.
    func onnxModel(_ options: ONNXExportOptions) throws -> Onnx_ModelProto
    /// Inputs for `--verify`, each a float tensor fed as the graph input `input`, valid for
    /// the graph the options describe (several shapes when an axis is dynamic).
    func verificationInputs(_ options: ONNXExportOptions) -> [Tensor]
    /// prep's own forward pass on `x`, laid out as the graph's output (for `--verify`).
    func referenceOutput(_ x: Tensor) -> (shape: [Int], values: [Float])
}

extension ONNXExportable {
    /// Uniform values in ±`range` for each shape, the same on every run (fixed seed): the sample
    /// inputs of `--verify` and of the interpreter's self-check.
    static func sampleInputs(_ shapes: [[Int]], range: Float) -> [Tensor] {
        var rng = RNG(seed: 20261203)
        return shapes.map { s in
            let t = Tensor(shape: s)
            for i in 0..<t.count { t[i] = rng.uniform(-range, range) }
            return t
        }
    }
}

/// Opens a checkpoint for export: recognises the model by its tensor names.
public enum ONNXCheckpoint {
    /// `dict` overrides (or supplies) the dictionary of a checkpoint without prep's metadata.
    public static func open(_ url: URL, dict: String?) throws -> ONNXExportable {
        let file = try SafeTensors.read(path: url.path)
        if file.tensors["backbone.cnn.conv0.weight"] != nil, file.tensors["decoder.decoder.0.rnn.weight_ih_l0"] != nil {
            return try CRNNONNXExport(checkpoint: url, dict: dict)
        }
        if file.tensors["backbone.conv1.weight"] != nil, file.tensors["det_head.binarize.0.weight"] != nil {
            return try DBNetONNXExport(checkpoint: url)
        }
        throw PrepError.input(file: url.path, line: nil, reason: "not a checkpoint prep can export (a CRNN has backbone.cnn.conv0.weight and decoder.decoder.0.rnn.*, a DBNet backbone.conv1.weight and det_head.binarize.*)")
    }
}
