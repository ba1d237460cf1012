/// A problem with an ONNX file or graph: which file, which node or tensor, what is wrong.
/// The CLI reports it and exits 1; nothing here crashes on bad input.
public struct ONNXError: Error, CustomStringConvertible, Equatable {
    /// The file (or "graph" for a model built in memory).
    public var source: String
    /// `node 'name' (Op)` or `tensor 'name'`, when the problem has a place in the graph.
    public var location: String?
    public var message: String

    public init(source: String, location: String? = nil, _ message: String) {
        self.source = source
        self.location = location
        self.message = message
    }

    public var description: String {
        if let location { return "\(source): \(location): \(message)" }
        return "\(source): \(message)"
    }
}
