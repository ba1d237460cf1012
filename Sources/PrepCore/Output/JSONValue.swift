/// A JSON value that keeps object key order and the difference between integers and floats,
/// which Python's `json.dumps` output (and so the reference's files) depends on.
///
/// Not `indirect`: arrays and objects keep their elements in their own buffers already, and a
/// heap box around every value cost one allocation per number of a parsed file.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.double(x), .double(y)): return x == y || (x.isNaN && y.isNaN)
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The value of `key` in an object, or nil.
    public subscript(key: String) -> JSONValue? {
        if case let .object(pairs) = self { return pairs.first(where: { $0.0 == key })?.1 }
        return nil
    }

    /// Numbers as Double (ints widened), else nil.
    public var number: Double? {
        switch self {
        case let .int(i): return Double(i)
        case let .double(d): return d
        default: return nil
        }
    }

    public var string: String? { if case let .string(s) = self { return s }; return nil }
    public var array: [JSONValue]? { if case let .array(a) = self { return a }; return nil }

    /// A coordinate list as JSON numbers: integers where the source had integers.
    public static func numbers(_ values: [Double], integers: Bool) -> JSONValue {
        .array(values.map { integers && $0.rounded() == $0 && abs($0) < 9e15 ? .int(Int($0)) : .double($0) })
    }
}
