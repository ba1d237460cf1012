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
        // Python's ints do not overflow; a result no Int holds is given as a float.
        if case let .int(x) = a, case let .int(y) = b {
            let (r, overflow) = x.subtractingReportingOverflow(y)
            if !overflow { return .int(r) }
        }
        return .double(a.number! - b.number!)
    }

    static func times(_ a: JSONValue, _ b: JSONValue) -> JSONValue {
        if case let .int(x) = a, case let .int(y) = b {
            let (r, overflow) = x.multipliedReportingOverflow(by: y)
            if !overflow { return .int(r) }
        }
        return .double(a.number! * b.number!)
    }
}

extension PyNumber {
    /// `max(0, v)`: v itself when positive, else the int 0 (Python returns its first argument on ties).
    static func clampedAtZero(_ v: JSONValue) -> JSONValue { (v.number ?? 0) > 0 ? v : .int(0) }

    static func abs(_ v: JSONValue) -> JSONValue {
        switch v {
        case let .int(i): return .int(Swift.abs(i))
        default: return .double(Swift.abs(v.number ?? 0))
        }
    }
}
