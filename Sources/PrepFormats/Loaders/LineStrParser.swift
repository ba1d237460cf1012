import PrepCore

/// MMOCR's `LineStrParser`: strip the line (whitespace by default), split it on `separator`,
/// and take field `keysIdx[k]` for `keys[k]`. As in the reference, negative indices count from
/// the end and a line with too few fields is an error.
///
/// `restInLastKey` is what the reference lacks: the line is split at most `max(keysIdx)` times,
/// so the key with the highest index gets the rest of the line — a text with spaces survives
/// (`img.jpg a b` → text `a b`) instead of being cut at its first space.
public struct LineStrParser: AnnParser {
    public var keys: [String]
    public var keysIdx: [Int]
    public var separator: String
    public var strip: Bool
    public var stripSide: PyString.Side
    /// Characters to strip; nil strips whitespace (Python's `str.strip()`).
    public var stripChars: String?
    public var restInLastKey: Bool

    public init(keys: [String] = ["filename", "text"], keysIdx: [Int] = [0, 1], separator: String = " ",
                strip: Bool = true, stripSide: PyString.Side = .both, stripChars: String? = nil,
                restInLastKey: Bool = false) throws {
        guard !keys.isEmpty else { throw AnnParseError("LineStrParser needs at least one key") }
        guard keys.count == keysIdx.count else {
            throw AnnParseError("LineStrParser: \(keys.count) keys but \(keysIdx.count) key indices")
        }
        guard !separator.isEmpty else { throw AnnParseError("LineStrParser: the separator is empty") }
        if restInLastKey && keysIdx.contains(where: { $0 < 0 }) {
            throw AnnParseError("LineStrParser: the rest of the line can only go to a key with a non-negative index")
        }
        self.keys = keys
        self.keysIdx = keysIdx
        self.separator = separator
        self.strip = strip
        self.stripSide = stripSide
        self.stripChars = stripChars
        self.restInLastKey = restInLastKey
    }

    public func parse(_ line: String) throws -> JSONValue {
        let s = strip ? PyString.strip(line, chars: stripChars, side: stripSide) : line
        let maxIdx = keysIdx.max()!
        let parts = PyString.split(s, separator: separator, maxSplits: restInLastKey ? maxIdx : Int.max)
        guard parts.count > maxIdx else {
            let sep = PyJSON(ensureASCII: true).string(.string(separator))
            throw AnnParseError(s.isEmpty ? "blank line" :
                "expected at least \(maxIdx + 1) fields separated by \(sep), found \(parts.count)")
        }
        var pairs: [(String, JSONValue)] = []
        for (key, idx) in zip(keys, keysIdx) {
            let i = idx < 0 ? parts.count + idx : idx
            guard i >= 0 else { throw AnnParseError("field index \(idx) is out of range (\(parts.count) fields)") }
            if let k = pairs.firstIndex(where: { $0.0 == key }) { pairs[k].1 = .string(parts[i]) }
            else { pairs.append((key, .string(parts[i]))) }
        }
        return .object(pairs)
    }
}
