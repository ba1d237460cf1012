import Foundation
import PrepNN

/// A dimension of a graph input or output as the model declares it.
public enum ONNXDim: Equatable, CustomStringConvertible {
    case fixed(Int)
    /// A symbolic (dynamic) dimension such as `batch`.
    case named(String)
    case unknown

    public var description: String {
        switch self {
        case .fixed(let n): return "\(n)"
        case .named(let s): return s
        case .unknown: return "?"
        }
    }
}

/// A graph input or output: name and declared shape.
public struct ONNXTensorInfo: Equatable {
    public var name: String
    public var dims: [ONNXDim]
}

/// Runs an ONNX graph with the engine's kernels. Loading checks the opset, builds one kernel per
/// node (weights copied into engine layers, attributes checked) and evaluates `Constant` nodes;
/// an operator outside `ONNXOpSet.supported` is an error naming it and its node. `run` checks
/// the inputs against the declared shapes and names the node where a shape does not fit.
/// Loading also folds BatchNorms into the Convs before them and fuses a Conv's ReLU into its
/// kernel (`ONNXFusion`; `fuses: false` keeps every node as it is).
///
/// The returned tensors may belong to kernels and are overwritten by the next `run`.
public final class ONNXInterpreter {
    public let source: String
    public let opset: Int
    public let inputs: [ONNXTensorInfo]
    public let outputs: [ONNXTensorInfo]
    /// `metadata_props` of the model.
    public let metadata: [String: String]
    public let producer: String
    /// Operators of the graph, in order of first use.
    public let operators: [String]
    /// BatchNormalization nodes folded into Convs, and Relu nodes fused into Convs, at load.
    public let foldedBatchNorms: Int, fusedReLUs: Int
    private let steps: [(node: ONNXNode, kernel: ONNXKernel)]
    private let constants: [String: ONNXValue]

    public convenience init(contentsOf path: String, fuses: Bool = true) throws {
        try self.init(model: ONNXModelFile.read(path), source: path, fuses: fuses)
    }

    public init(model: Onnx_ModelProto, source: String, fuses: Bool = true) throws {
        self.source = source
        var opset: Int?
        for o in model.opsetImport where o.domain.isEmpty || o.domain == "ai.onnx" { opset = Int(o.version) }
        guard let opset else { throw ONNXError(source: source, "the model imports no default-domain (ai.onnx) opset") }
        guard opset <= ONNXOpSet.newestOpset else {
            throw ONNXError(source: source, "opset \(opset) is newer than prep supports (\(ONNXOpSet.oldestOpset)–\(ONNXOpSet.newestOpset)); re-export with a lower opset")
        }
        guard opset >= ONNXOpSet.oldestOpset else {
            throw ONNXError(source: source, "opset \(opset) is older than prep supports (\(ONNXOpSet.oldestOpset)–\(ONNXOpSet.newestOpset)); re-export with opset \(ONNXOpSet.oldestOpset) or newer")
        }
        self.opset = opset
        var meta: [String: String] = [:]
        for p in model.metadataProps { meta[p.key] = p.value }
        metadata = meta
        producer = model.producerName + (model.producerVersion.isEmpty ? "" : " " + model.producerVersion)
        let graph = model.graph

        var constants: [String: ONNXValue] = [:]
        for t in graph.initializer {
            constants[t.name] = try ONNXTensorCodec.value(t, source: source, location: "initializer '\(t.name)'")
        }
        func info(_ v: Onnx_ValueInfoProto) throws -> ONNXTensorInfo {
            if v.type.tensorType.hasElemType {
                let e = v.type.tensorType.elemType
                guard [ONNXTensorCodec.float, ONNXTensorCodec.double, ONNXTensorCodec.int64, ONNXTensorCodec.int32].contains(e) else {
                    throw ONNXError(source: source, location: "tensor '\(v.name)'", "has element type \(ONNXTensorCodec.typeName(e)); prep runs float32 models")
                }
            }
            let dims: [ONNXDim] = v.type.tensorType.shape.dim.map { d in
                switch d.value {
                case .dimValue(let n)?: return .fixed(Int(n))
                case .dimParam(let s)?: return s.isEmpty ? .unknown : .named(s)
                case nil: return .unknown
                }
            }
            return ONNXTensorInfo(name: v.name, dims: dims)
        }
        inputs = try graph.input.filter { constants[$0.name] == nil }.map(info)
        outputs = try graph.output.map(info)
        let fusion = fuses ? ONNXFusion(graph: graph, initializers: constants, source: source) : nil
        let nodes = fusion?.nodes ?? graph.node.enumerated().map { ($0.offset, $0.element) }
        constants.merge(fusion?.foldedConstants ?? [:]) { $1 }
        foldedBatchNorms = fusion?.foldedBatchNorms ?? 0
        fusedReLUs = fusion?.reluAfter.count ?? 0

        // Which values are read by some node or by the graph: outputs nobody reads need no work.
        var consumed = Set(graph.output.map(\.name))
        var readers: [String: Int] = [:]
        for o in graph.output { readers[o.name, default: 0] += 1 }
        for (_, n) in nodes {
            consumed.formUnion(n.input.filter { !$0.isEmpty })
            for i in n.input where !i.isEmpty { readers[i, default: 0] += 1 }
        }

        var defined = Set(inputs.map(\.name)).union(constants.keys)
        var steps: [(ONNXNode, ONNXKernel)] = []
        var operators: [String] = []
        for proto in graph.node where !operators.contains(proto.opType) { operators.append(proto.opType) }
        let scratch = ConvScratch()
        for (i, proto) in nodes {
            let node = ONNXNode(proto, index: i, source: source)
            if !proto.domain.isEmpty, proto.domain != "ai.onnx" {
                throw node.error("operator '\(proto.opType)' of domain '\(proto.domain)' is not supported (prep runs the default ONNX domain)")
            }
            for name in proto.input where !name.isEmpty && !defined.contains(name) {
                throw node.error("input '\(name)' is not a graph input, an initializer or an output of an earlier node (graph not topologically sorted, or truncated)")
            }
            if proto.opType == "Constant" {
                guard proto.output.count == 1 else { throw node.error("a Constant has one output") }
                constants[proto.output[0]] = try Self.constantValue(node)
                defined.insert(proto.output[0])
                continue
            }
            guard let make = ONNXOpSet.makers[proto.opType] else {
                throw node.error("operator '\(proto.opType)' is not supported by prep's interpreter (supported: \(ONNXOpSet.supported.joined(separator: ", ")), Constant)")
            }
            let kernel = try make(ONNXKernelContext(node: node, constants: constants, opset: opset, consumed: consumed, readers: readers,
                                                graphInputs: Set(inputs.map(\.name)), convScratch: scratch,
                                                fusedReLU: proto.output.first.map { fusion?.reluAfter.contains($0) ?? false } ?? false))
            steps.append((node, kernel))
            defined.formUnion(proto.output.filter { !$0.isEmpty })
        }
        for o in outputs where !defined.contains(o.name) {
            throw ONNXError(source: source, location: "output '\(o.name)'", "is not produced by any node")
        }
        self.steps = steps
        self.constants = constants
        self.operators = operators
    }

    /// The operator of the node that produces `value` (nil for inputs and constants).
    public func producerOp(of value: String) -> String? {
        steps.last { $0.node.outputs.contains(value) }?.node.op
    }

    static func constantValue(_ node: ONNXNode) throws -> ONNXValue {
        if let a = node.attribute("value") {
            return try ONNXTensorCodec.value(a.t, source: node.source, location: node.location + " attribute 'value'")
        }
        if let a = node.attribute("value_float") { return .float(Tensor(shape: [], values: [a.f])) }
        if let a = node.attribute("value_floats") {
            return .float(a.floats.isEmpty ? Tensor(shape: [0]) : Tensor(shape: [a.floats.count], values: a.floats))
        }
        if let a = node.attribute("value_int") { return .int(shape: [], values: [a.i]) }
        if let a = node.attribute("value_ints") { return .int(shape: [a.ints.count], values: a.ints) }
        throw node.error("only tensor, float(s) and int(s) constants are supported (attributes: \(node.attributeNames))")
    }

    /// Runs the graph. `feeds` maps input names to values; every declared input must be given
    /// with its declared fixed dimensions.
    public func run(_ feeds: [String: ONNXValue]) throws -> [String: ONNXValue] {
        var env = constants
        for i in inputs {
            guard let v = feeds[i.name] else { throw ONNXError(source: source, location: "input '\(i.name)'", "is not given") }
            if !i.dims.isEmpty {
                guard v.shape.count == i.dims.count else {
                    throw ONNXError(source: source, location: "input '\(i.name)'", "has shape \(v.shape), the model expects [\(i.dims.map(\.description).joined(separator: ", "))]")
                }
                for (k, d) in i.dims.enumerated() {
                    if case .fixed(let n) = d, n != v.shape[k] {
                        throw ONNXError(source: source, location: "input '\(i.name)'", "has shape \(v.shape), the model expects [\(i.dims.map(\.description).joined(separator: ", "))] (dimension \(k) must be \(n))")
                    }
                }
            }
            env[i.name] = v
        }
        for (node, kernel) in steps {
            let args = node.inputs.map { $0.isEmpty ? nil : env[$0] }
            let results: [ONNXValue]
            do { results = try kernel.run(args) } catch let f as KernelFailure {
                let shapes = zip(node.inputs, args).filter { !$0.0.isEmpty }.map { "'\($0.0)' \($0.1?.shape ?? [])" }
                throw node.error("\(f.message) (inputs: \(shapes.joined(separator: ", ")))")
            }
            for (name, value) in zip(node.outputs, results) where !name.isEmpty { env[name] = value }
        }
        var out: [String: ONNXValue] = [:]
        for o in outputs { out[o.name] = env[o.name] }
        return out
    }
}
