import Foundation
import SwiftProtobuf

/// Reads and writes `.onnx` files (a serialized `ModelProto`).
public enum ONNXModelFile {
    /// Parses `path` into a model, refusing files that are not ONNX models or were cut short.
    public static func read(_ path: String) throws -> Onnx_ModelProto {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ONNXError(source: path, "cannot read the file")
        }
        return try parse(data, source: path)
    }

    public static func parse(_ data: Data, source: String) throws -> Onnx_ModelProto {
        guard !data.isEmpty else { throw ONNXError(source: source, "the file is empty: not an ONNX model") }
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw ONNXError(source: source, "not an ONNX model, or truncated (protobuf: \(error))")
        }
        // A protobuf parser accepts many byte strings; a model has an IR version, an opset and a graph.
        guard model.irVersion > 0, !model.opsetImport.isEmpty, model.hasGraph, !model.graph.node.isEmpty else {
            throw ONNXError(source: source, "not an ONNX model (no IR version, opset or graph nodes), or truncated")
        }
        return model
    }

    /// Writes the model atomically (temporary sibling, then rename).
    public static func write(_ model: Onnx_ModelProto, to path: String) throws {
        let data: Data
        do { data = try model.serializedData() } catch {
            throw ONNXError(source: path, "cannot serialize the model (\(error))")
        }
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw ONNXError(source: path, "cannot write (\(error.localizedDescription))")
        }
    }

    /// The IR version matching an opset (onnx's VERSION_TABLE), so checkers and runtimes of that
    /// generation accept the file.
    public static func irVersion(forOpset opset: Int) -> Int64 {
        switch opset {
        case ...11: return 6
        case 12...14: return 7
        case 15...18: return 8
        case 19...20: return 9
        default: return 10
        }
    }
}
