/// A graph node with typed access to its attributes; every accessor names the node and the
/// attribute in its error.
public struct ONNXNode {
    public let proto: Onnx_NodeProto
    /// Position in the graph (names unnamed nodes).
    public let index: Int
    public let source: String
    private let attributes: [String: Onnx_AttributeProto]

    public init(_ proto: Onnx_NodeProto, index: Int, source: String) {
        self.proto = proto
        self.index = index
        self.source = source
        var a: [String: Onnx_AttributeProto] = [:]
        for attr in proto.attribute { a[attr.name] = attr }
        attributes = a
    }

    public var op: String { proto.opType }
    /// `node 'name' (Op)`, or `node #i (Op)` when unnamed.
    public var location: String {
        proto.name.isEmpty ? "node #\(index) (\(op))" : "node '\(proto.name)' (\(op))"
    }

    public func error(_ message: String) -> ONNXError { ONNXError(source: source, location: location, message) }

    public func has(_ name: String) -> Bool { attributes[name] != nil }
    public var attributeNames: [String] { proto.attribute.map(\.name) }

    public func int(_ name: String, default value: Int? = nil) throws -> Int {
        guard let a = attributes[name] else {
            if let value { return value }
            throw error("attribute '\(name)' is required")
        }
        guard a.type == .int || (a.type == .undefined && a.hasI) else { throw error("attribute '\(name)' is not an int") }
        return Int(a.i)
    }

    public func ints(_ name: String, default value: [Int]? = nil) throws -> [Int] {
        guard let a = attributes[name] else {
            if let value { return value }
            throw error("attribute '\(name)' is required")
        }
        guard a.type == .ints || a.type == .undefined else { throw error("attribute '\(name)' is not a list of ints") }
        return a.ints.map { Int($0) }
    }

    public func float(_ name: String, default value: Float) throws -> Float {
        guard let a = attributes[name] else { return value }
        guard a.type == .float || (a.type == .undefined && a.hasF) else { throw error("attribute '\(name)' is not a float") }
        return a.f
    }

    public func string(_ name: String, default value: String) throws -> String {
        guard let a = attributes[name] else { return value }
        guard a.type == .string || (a.type == .undefined && a.hasS) else { throw error("attribute '\(name)' is not a string") }
        return String(decoding: a.s, as: UTF8.self)
    }

    public func strings(_ name: String) throws -> [String]? {
        guard let a = attributes[name] else { return nil }
        guard a.type == .strings || a.type == .undefined else { throw error("attribute '\(name)' is not a list of strings") }
        return a.strings.map { String(decoding: $0, as: UTF8.self) }
    }

    public func attribute(_ name: String) -> Onnx_AttributeProto? { attributes[name] }

    /// The node's inputs; "" marks an omitted optional input.
    public var inputs: [String] { proto.input }
    public var outputs: [String] { proto.output }

    /// The input name at `i`, or nil when absent or omitted.
    public func input(_ i: Int) -> String? { i < proto.input.count && !proto.input[i].isEmpty ? proto.input[i] : nil }

    /// Refuses attributes outside `known` (an attribute prep would ignore could change the result).
    public func onlyAttributes(_ known: Set<String>) throws {
        for a in proto.attribute where !known.contains(a.name) {
            throw error("attribute '\(a.name)' is not supported")
        }
    }
}
