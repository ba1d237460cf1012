import Foundation
import PrepCore
import PrepNN
import PrepONNX

/// A model `prep export` can write as ONNX and check against ONNX Runtime. The CRNN conforms
/// (`CRNNONNXExport`); DBNet will conform the same way once it lands: its own graph builder
/// (ResNet Conv/BatchNormalization/Relu/MaxPool, FPNC Resize + Concat, the DB head's
/// ConvTranspose + Sigmoid; input `input` with dynamic batch/height/width, output `output`
/// as MMDeploy's) and its own sample inputs, with `ONNXCheckpoint.open` choosing it by the
/// checkpoint's tensor names. Nothing else in export or verify depends on the model.
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

/// Opens a checkpoint for export: recognises the model by its tensor names.
public enum ONNXCheckpoint {
    /// `dict` overrides (or supplies) the dictionary of a checkpoint without prep's metadata.
    public static func open(_ url: URL, dict: String?) throws -> ONNXExportable {
        let file = try SafeTensors.read(path: url.path)
        if file.tensors["backbone.cnn.conv0.weight"] != nil, file.tensors["decoder.decoder.0.rnn.weight_ih_l0"] != nil {
            return try CRNNONNXExport(checkpoint: url, dict: dict)
        }
        throw PrepError.input(file: url.path, line: nil, reason: "not a checkpoint prep can export (a CRNN has backbone.cnn.conv0.weight and decoder.decoder.0.rnn.*; DBNet export is not there yet)")
    }
}
