import PrepCore

/// Turns one raw annotation line into a record (`JSONValue.object`, keys in the parser's order).
public protocol AnnParser: Sendable {
    /// The record of `line`; throws `AnnParseError` when the line does not fit.
    func parse(_ line: String) throws -> JSONValue
}

/// Why a line could not be parsed (the loader adds the file and line).
public struct AnnParseError: Error, CustomStringConvertible, Equatable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
