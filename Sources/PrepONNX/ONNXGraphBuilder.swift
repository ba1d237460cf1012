import Foundation

/// Builds an ONNX graph node by node for an exporter: initializers, nodes with attributes,
/// graph inputs/outputs with fixed or symbolic dimensions, and the ModelProto around them.
/// Node and value names are the caller's (PyTorch-style: `/backbone/cnn/conv0/Conv`, weights
/// under their state-dict names), so a model viewer shows the module structure.
public final class ONNXGraphBuilder {
    public let opset: Int
    public private(set) var graph = Onnx_GraphProto()

    public init(name: String, opset: Int) {
        self.opset = opset
        graph.name = name
    }

    /// A float32 initializer; returns its name.
    @discardableResult
    public func initializer(_ name: String, shape: [Int], floats: [Float]) -> String {
        graph.initializer.append(ONNXTensorCodec.tensor(name: name, shape: shape, floats: floats))
        return name
    }

    /// An int64 initializer (shapes, axes); returns its name.
    @discardableResult
    public func initializer(_ name: String, ints: [Int64]) -> String {
        graph.initializer.append(ONNXTensorCodec.tensor(name: name, shape: [ints.count], ints: ints))
        return name
    }

    /// Adds a node; its outputs are `outputs` (default: `name` + ":0" style names
    /// `<name>_output_0`). Returns the output names.
    @discardableResult
    public func node(_ op: String, name: String, inputs: [String], outputs: [String]? = nil,
                     attributes: [Onnx_AttributeProto] = []) -> [String] {
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = name
        n.input = inputs
        n.output = outputs ?? [name + "_output_0"]
        n.attribute = attributes
        graph.node.append(n)
        return n.output
    }

    /// Adds a one-output node and returns its output name.
    public func op(_ op: String, name: String, _ inputs: [String], _ attributes: [Onnx_AttributeProto] = []) -> String {
        node(op, name: name, inputs: inputs, attributes: attributes)[0]
    }

    public func input(_ name: String, dims: [ONNXDim]) { graph.input.append(Self.valueInfo(name, dims: dims)) }
    public func output(_ name: String, dims: [ONNXDim]) { graph.output.append(Self.valueInfo(name, dims: dims)) }

    static func valueInfo(_ name: String, dims: [ONNXDim]) -> Onnx_ValueInfoProto {
        var v = Onnx_ValueInfoProto()
        v.name = name
        var t = Onnx_TypeProto.Tensor()
        t.elemType = ONNXTensorCodec.float
        var shape = Onnx_TensorShapeProto()
        shape.dim = dims.map { d in
            var dim = Onnx_TensorShapeProto.Dimension()
            switch d {
            case .fixed(let n): dim.dimValue = Int64(n)
            case .named(let s): dim.dimParam = s
            case .unknown: break
            }
            return dim
        }
        t.shape = shape
        v.type.tensorType = t
        return v
    }

    /// The model: this graph, the default-domain opset, producer and `metadata_props`
    /// (written in key order, so the same inputs give the same bytes).
    public func model(producer: String, version: String, metadata: [String: String], doc: String = "") -> Onnx_ModelProto {
        var m = Onnx_ModelProto()
        m.irVersion = ONNXModelFile.irVersion(forOpset: opset)
        var o = Onnx_OperatorSetIdProto()
        o.domain = ""
        o.version = Int64(opset)
        m.opsetImport = [o]
        m.producerName = producer
        m.producerVersion = version
        m.docString = doc
        m.graph = graph
        m.metadataProps = metadata.sorted { $0.key < $1.key }.map { kv in
            var e = Onnx_StringStringEntryProto()
            e.key = kv.key
            e.value = kv.value
            return e
        }
        return m
    }
}

/// Attribute constructors.
public enum ONNXAttribute {
    public static func int(_ name: String, _ v: Int) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto(); a.name = name; a.type = .int; a.i = Int64(v); return a
    }
    public static func ints(_ name: String, _ v: [Int]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto(); a.name = name; a.type = .ints; a.ints = v.map(Int64.init); return a
    }
    public static func float(_ name: String, _ v: Float) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto(); a.name = name; a.type = .float; a.f = v; return a
    }
    public static func string(_ name: String, _ v: String) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto(); a.name = name; a.type = .string; a.s = Data(v.utf8); return a
    }
    public static func strings(_ name: String, _ v: [String]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto(); a.name = name; a.type = .strings; a.strings = v.map { Data($0.utf8) }; return a
    }
}
