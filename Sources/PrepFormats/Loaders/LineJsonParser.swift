import PrepCore

/// MMOCR's `LineJsonParser`: the line is one JSON object (`json.loads` semantics); the record
/// holds `keys` in that order, each required; other keys are ignored.
public struct LineJsonParser: AnnParser {
    public var keys: [String]

    public init(keys: [String] = ["filename", "text"]) throws {
        guard !keys.isEmpty else { throw AnnParseError("LineJsonParser needs at least one key") }
        self.keys = keys
    }

    public func parse(_ line: String) throws -> JSONValue {
        let value: JSONValue
        do { value = try JSONReader.parse(line) } catch let f as JSONReader.Failure {
            throw AnnParseError(line.allSatisfy(\.isWhitespace) ? "blank line" : "not JSON: \(f)")
        }
        guard case let .object(pairs) = value else { throw AnnParseError("not a JSON object") }
        var out: [(String, JSONValue)] = []
        for key in keys {
            guard let v = pairs.first(where: { $0.0 == key })?.1 else {
                throw AnnParseError("key \(PyJSON(ensureASCII: false).string(.string(key))) is missing")
            }
            if !out.contains(where: { $0.0 == key }) { out.append((key, v)) }
        }
        return .object(out)
    }
}
