import Foundation

/// Serialises `JSONValue` byte for byte as Python's `json.dumps` does with default separators
/// (`", "` and `": "`): `ensure_ascii` escapes, float `repr`, no trailing newline.
public struct PyJSON: Sendable {
    /// `ensure_ascii=True` writes every non-ASCII character as `\uXXXX` (surrogate pairs above
    /// U+FFFF); `False` writes raw UTF-8.
    public var ensureASCII: Bool

    public init(ensureASCII: Bool = true) { self.ensureASCII = ensureASCII }

    /// The serialised bytes.
    public func encode(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, to: &out)
        return out
    }

    /// The serialised text.
    public func string(_ value: JSONValue) -> String {
        String(decoding: encode(value), as: UTF8.self)
    }

    public func write(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case let .int(i): PyJSON.appendInt(i, to: &out)
        case let .double(d): PyJSON.appendDouble(d, to: &out)
        case let .string(s): writeString(s, to: &out)
        case let .array(items):
            out.append(0x5B)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(0x2C); out.append(0x20) }
                write(item, to: &out)
            }
            out.append(0x5D)
        case let .object(pairs):
            out.append(0x7B)
            for (i, (k, v)) in pairs.enumerated() {
                if i > 0 { out.append(0x2C); out.append(0x20) }
                writeString(k, to: &out)
                out.append(0x3A); out.append(0x20)
                write(v, to: &out)
            }
            out.append(0x7D)
        }
    }

    /// Decimal digits written straight into `out` (no `String` per number: a COCO file holds
    /// hundreds of thousands of them); `ByteCursor.putInt`.
    public static func appendInt(_ i: Int, to out: inout [UInt8]) {
        out.appendWritten(maxCount: ByteCursor.maxIntBytes) { $0.putInt(i) }
    }

    /// Python `float.__repr__` (json writes `NaN`/`Infinity`), bytes straight into `out`;
    /// `ByteCursor.putDouble`, the one writer of doubles (`pythonRepr` is its text).
    public static func appendDouble(_ d: Double, to out: inout [UInt8]) {
        out.appendWritten(maxCount: ByteCursor.maxDoubleBytes) { $0.putDouble(d) }
    }

    /// Python's repr of a finite double (`appendDouble`'s bytes as text).
    public static func pythonRepr(_ d: Double) -> String {
        var out: [UInt8] = []
        appendDouble(d, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public func writeString(_ s: String, to out: inout [UInt8]) {
        let ensureASCII = self.ensureASCII
        out.appendWritten(maxCount: ByteCursor.maxJSONStringBytes(utf8Count: s.utf8.count)) {
            $0.putJSONString(s, ensureASCII: ensureASCII)
        }
    }

    /// A string given as valid UTF-8 bytes, as `json.dumps(…, ensure_ascii=False)` writes it:
    /// only ASCII characters can need escaping there, so it works byte by byte without building a
    /// String (label files with millions of lines go through this).
    public static func writeUTF8String(_ bytes: [UInt8], to out: inout [UInt8]) {
        out.appendWritten(maxCount: ByteCursor.maxJSONStringBytes(utf8Count: bytes.count)) { c in
            c.put(0x22)
            for b in bytes { c.putEscapedASCII(b) }
            c.put(0x22)
        }
    }
}
