import PrepCore

/// Python's arithmetic on JSON numbers, for converters whose reference output keeps each value's
/// type (int stays int, a float anywhere makes a float): `min`/`max` return the first extreme
/// element itself, `-` and `*` give an int only for two ints.
enum PyNumber {
    static func min(_ values: [JSONValue]) -> JSONValue {
        values.dropFirst().reduce(values[0]) { ($1.number ?? .nan) < ($0.number ?? .nan) ? $1 : $0 }
    }

    static func max(_ values: [JSONValue]) -> JSONValue {
        values.dropFirst().reduce(values[0]) { ($1.number ?? .nan) > ($0.number ?? .nan) ? $1 : $0 }
    }

    static func minus(_ a: JSONValue, _ b: JSONValue) -> JSONValue {
        if case let .int(x) = a, case let .int(y) = b { return .int(x - y) }
        return .double(a.number! - b.number!)
    }

    static func times(_ a: JSONValue, _ b: JSONValue) -> JSONValue {
        if case let .int(x) = a, case let .int(y) = b { return .int(x * y) }
        return .double(a.number! * b.number!)
    }
}
