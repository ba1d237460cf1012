import PrepCore

/// Numbers that are not JSON: `NaN`, `Infinity` and `-Infinity` (Python's `json.dump` writes
/// them; most JSON parsers reject them) and literals beyond a double's range. prep's reader takes
/// them as `json.loads` does, so `prep validate` looks for them in every field instead of letting
/// a NaN bbox beside a finite polygon pass.
enum NonJSONNumbers {
    /// `(path, shown)` of each non-finite number inside `value`, paths like `bbox[2]`.
    static func find(in value: JSONValue, at path: String = "") -> [(path: String, shown: String)] {
        var out: [(String, String)] = []
        func walk(_ v: JSONValue, _ path: String) {
            switch v {
            case let .double(d) where !d.isFinite:
                out.append((path.isEmpty ? "the value" : path, d.isNaN ? "NaN" : d < 0 ? "-Infinity" : "Infinity"))
            case let .array(a):
                for (i, e) in a.enumerated() { walk(e, "\(path)[\(i)]") }
            case let .object(pairs):
                for (k, e) in pairs { walk(e, path.isEmpty ? "\"\(k)\"" : "\(path).\"\(k)\"") }
            default: break
            }
        }
        walk(value, path)
        return out
    }

    static func message(_ path: String, _ shown: String) -> String {
        "\(path) is \(shown), which is not JSON (Python's json.dump writes it; most JSON parsers reject it)"
    }

    /// Reports each non-finite number of `value` as a `non-json-number` anomaly at `p`; whether
    /// there was any.
    static func report(_ value: JSONValue, _ p: RecordPosition, _ body: (ValidationRecord) throws -> Void) throws -> Bool {
        let found = find(in: value)
        for (path, shown) in found { try body(.anomaly(.nonJSONNumber, p, message(path, shown))) }
        return !found.isEmpty
    }

    /// Bare `NaN` / `Infinity` / `-Infinity` tokens outside strings in a JSON text, with their
    /// 1-based line and column (for inputs read through the format layer, which keeps no values).
    static func tokens(in b: [UInt8]) -> [(line: Int, column: Int, token: String)] {
        var out: [(Int, Int, String)] = []
        var line = 1, lineStart = 0, i = 0
        var inString = false
        let words: [[UInt8]] = [Array("NaN".utf8), Array("-Infinity".utf8), Array("Infinity".utf8)]
        while i < b.count {
            let c = b[i]
            if inString {
                if c == 0x5C { i += 2; continue }
                if c == 0x22 { inString = false }
            } else if c == 0x22 {
                inString = true
            } else if c == 0x0A {
                line += 1; lineStart = i + 1
            } else if c == 0x4E || c == 0x49 || c == 0x2D {
                if let w = words.first(where: { b.count - i >= $0.count && b[i..<(i + $0.count)].elementsEqual($0) }) {
                    out.append((line, i - lineStart + 1, String(decoding: w, as: UTF8.self)))
                    i += w.count
                    continue
                }
            }
            i += 1
        }
        return out
    }
}
