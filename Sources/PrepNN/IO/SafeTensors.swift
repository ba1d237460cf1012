import Foundation

/// A problem with a safetensors file, naming the file and, when it concerns one, the tensor.
public struct SafeTensorsError: Error, CustomStringConvertible, Equatable {
    public var source: String
    public var tensor: String?
    public var message: String
    public var description: String {
        tensor.map { "\(source): tensor '\($0)': \(message)" } ?? "\(source): \(message)"
    }
}

/// A decoded safetensors file: metadata and tensors by name.
public struct SafeTensorsFile {
    public var metadata: [String: String]
    public var tensors: [String: TensorData]
}

/// The safetensors format (lean-core.md §7): 8-byte little-endian header length N, N bytes of
/// JSON (padded with spaces to a multiple of 8), then the tensors' bytes. The reader enforces
/// §7.2: header ≤ 100 MB and starting with `{`, known dtypes, no duplicate names, sizes that
/// match shapes, and offsets that tile the data section exactly (no holes, no overlap, nothing
/// left over).
public enum SafeTensors {
    public static let maxHeaderSize = 100_000_000

    /// Writer order of §7.2: descending dtype (enum order), then name ascending.
    public static func encode(_ tensors: [String: TensorData], metadata: [String: String] = [:]) -> [UInt8] {
        let rank = Dictionary(uniqueKeysWithValues: TensorData.dtypeBits.enumerated().map { ($1.name, $0) })
        let names = tensors.keys.sorted { a, b in
            let ra = rank[tensors[a]!.dtype] ?? 0, rb = rank[tensors[b]!.dtype] ?? 0
            return ra != rb ? ra > rb : a < b
        }
        var json = "{"
        var parts: [String] = []
        if !metadata.isEmpty {
            let items = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            parts.append("\"__metadata__\":{" + items.joined(separator: ",") + "}")
        }
        var offset = 0
        for name in names {
            let t = tensors[name]!
            let shape = t.shape.map(String.init).joined(separator: ",")
            parts.append("\(jsonString(name)):{\"dtype\":\"\(t.dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + t.bytes.count)]}")
            offset += t.bytes.count
        }
        json += parts.joined(separator: ",") + "}"
        var header = Array(json.utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out = [UInt8]()
        out.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        for name in names { out.append(contentsOf: tensors[name]!.bytes) }
        return out
    }

    public static func decode(_ bytes: [UInt8], source: String) throws -> SafeTensorsFile {
        func fail(_ m: String, _ tensor: String? = nil) -> SafeTensorsError {
            SafeTensorsError(source: source, tensor: tensor, message: m)
        }
        guard bytes.count >= 8 else { throw fail("file is \(bytes.count) bytes, shorter than the 8-byte header length") }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(maxHeaderSize) else { throw fail("header length \(n) exceeds the 100,000,000-byte limit") }
        let headerEnd = 8 + Int(n)
        guard headerEnd <= bytes.count else {
            throw fail("header length \(n) runs past the end of the file (\(bytes.count) bytes)")
        }
        guard n > 0, bytes[8] == UInt8(ascii: "{") else { throw fail("header does not start with '{'") }
        guard let text = String(validating: bytes[8..<headerEnd], as: UTF8.self) else {
            throw fail("header is not valid UTF-8")
        }
        var parser = HeaderJSON(text: text)
        let root: HeaderJSON.Value
        do { root = try parser.parseDocument() } catch let e as HeaderJSON.ParseError {
            throw fail("header JSON: \(e.message)")
        }
        guard case .object(let entries) = root else { throw fail("header is not a JSON object") }
        var metadata: [String: String] = [:]
        var spans: [(name: String, dtype: String, shape: [Int], begin: Int, end: Int)] = []
        var seen = Set<String>()
        let bits = Dictionary(uniqueKeysWithValues: TensorData.dtypeBits.map { ($0.name, $0.bits) })
        for (name, value) in entries {
            guard seen.insert(name).inserted else { throw fail("duplicate entry in the header", name) }
            if name == "__metadata__" {
                guard case .object(let m) = value else { throw fail("__metadata__ is not an object") }
                for (k, v) in m {
                    guard case .string(let s) = v else { throw fail("__metadata__ value of '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard case .object(let fields) = value else { throw fail("entry is not an object", name) }
            var dtype: String?, shape: [Int]?, offsets: [Int]?
            for (k, v) in fields {
                switch (k, v) {
                case ("dtype", .string(let s)): dtype = s
                case ("shape", .array(let a)): shape = a.compactMap { if case .int(let i) = $0 { return i } else { return nil } }
                    if shape!.count != a.count { throw fail("shape must be a list of integers", name) }
                case ("data_offsets", .array(let a)):
                    offsets = a.compactMap { if case .int(let i) = $0 { return i } else { return nil } }
                    if offsets!.count != a.count || a.count != 2 { throw fail("data_offsets must be two integers", name) }
                default: throw fail("unexpected field '\(k)'", name)
                }
            }
            guard let dt = dtype else { throw fail("missing dtype", name) }
            guard let sh = shape else { throw fail("missing shape", name) }
            guard let off = offsets else { throw fail("missing data_offsets", name) }
            guard let b = bits[dt] else { throw fail("unknown dtype \(dt)", name) }
            guard sh.allSatisfy({ $0 >= 0 }) else { throw fail("negative dimension in shape \(sh)", name) }
            guard off[0] >= 0, off[1] >= off[0] else { throw fail("data_offsets \(off) are not increasing", name) }
            var numel = 1
            for d in sh {
                let (m, o) = numel.multipliedReportingOverflow(by: d)
                if o { throw fail("shape \(sh) overflows", name) }
                numel = m
            }
            let (totalBits, o) = numel.multipliedReportingOverflow(by: b)
            if o { throw fail("shape \(sh) overflows", name) }
            guard totalBits % 8 == 0 else { throw fail("\(dt) tensor of \(numel) elements does not end on a byte boundary", name) }
            guard off[1] - off[0] == totalBits / 8 else {
                throw fail("holds \(off[1] - off[0]) bytes but \(dt) \(sh) needs \(totalBits / 8)", name)
            }
            spans.append((name, dt, sh, off[0], off[1]))
        }
        spans.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var expected = 0
        for s in spans {
            guard s.begin == expected else {
                throw fail(s.begin > expected ? "starts at byte \(s.begin), leaving a hole after byte \(expected)"
                                              : "starts at byte \(s.begin), overlapping the previous tensor (ends at \(expected))", s.name)
            }
            expected = s.end
        }
        let dataSize = bytes.count - headerEnd
        guard expected == dataSize else {
            throw fail("tensors cover \(expected) bytes but the data section holds \(dataSize)")
        }
        var tensors: [String: TensorData] = [:]
        for s in spans {
            tensors[s.name] = TensorData(dtype: s.dtype, shape: s.shape,
                                         bytes: Array(bytes[(headerEnd + s.begin)..<(headerEnd + s.end)]))
        }
        return SafeTensorsFile(metadata: metadata, tensors: tensors)
    }

    public static func read(path: String) throws -> SafeTensorsFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SafeTensorsError(source: path, tensor: nil, message: "cannot read the file")
        }
        return try decode([UInt8](data), source: path)
    }

    /// Writes atomically (a temporary file in the same folder, then a rename), so an interrupted
    /// save never leaves a half-written checkpoint.
    public static func write(_ tensors: [String: TensorData], metadata: [String: String] = [:], to path: String) throws {
        let bytes = encode(tensors, metadata: metadata)
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw SafeTensorsError(source: path, tensor: nil, message: "cannot write: \(error.localizedDescription)")
        }
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

/// A minimal JSON reader for safetensors headers that keeps object keys in order and with
/// duplicates (Foundation's parser silently drops them, and §7.2 forbids them).
struct HeaderJSON {
    indirect enum Value {
        case object([(String, Value)]), array([Value]), string(String), int(Int), other
    }
    struct ParseError: Error { var message: String }

    let scalars: [UInt8]
    var pos = 0
    init(text: String) { scalars = Array(text.utf8) }

    mutating func parseDocument() throws -> Value {
        let v = try parseValue()
        skipSpace()
        guard pos == scalars.count else { throw ParseError(message: "trailing characters at byte \(pos)") }
        return v
    }

    mutating func skipSpace() {
        while pos < scalars.count, [0x20, 0x0A, 0x0D, 0x09].contains(scalars[pos]) { pos += 1 }
    }

    mutating func expect(_ c: UInt8) throws {
        skipSpace()
        guard pos < scalars.count, scalars[pos] == c else {
            throw ParseError(message: "expected '\(Character(UnicodeScalar(c)))' at byte \(pos)")
        }
        pos += 1
    }

    mutating func parseValue() throws -> Value {
        skipSpace()
        guard pos < scalars.count else { throw ParseError(message: "unexpected end") }
        switch scalars[pos] {
        case UInt8(ascii: "{"):
            pos += 1
            var items: [(String, Value)] = []
            skipSpace()
            if pos < scalars.count, scalars[pos] == UInt8(ascii: "}") { pos += 1; return .object(items) }
            while true {
                skipSpace()
                guard case .string(let k) = try parseValue() else { throw ParseError(message: "object key is not a string at byte \(pos)") }
                try expect(UInt8(ascii: ":"))
                items.append((k, try parseValue()))
                skipSpace()
                guard pos < scalars.count else { throw ParseError(message: "unterminated object") }
                if scalars[pos] == UInt8(ascii: ",") { pos += 1; continue }
                try expect(UInt8(ascii: "}"))
                return .object(items)
            }
        case UInt8(ascii: "["):
            pos += 1
            var items: [Value] = []
            skipSpace()
            if pos < scalars.count, scalars[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            while true {
                items.append(try parseValue())
                skipSpace()
                guard pos < scalars.count else { throw ParseError(message: "unterminated array") }
                if scalars[pos] == UInt8(ascii: ",") { pos += 1; continue }
                try expect(UInt8(ascii: "]"))
                return .array(items)
            }
        case UInt8(ascii: "\""):
            pos += 1
            var bytes: [UInt8] = []
            while pos < scalars.count, scalars[pos] != UInt8(ascii: "\"") {
                if scalars[pos] == UInt8(ascii: "\\") {
                    pos += 1
                    guard pos < scalars.count else { break }
                    let e = scalars[pos]
                    switch e {
                    case UInt8(ascii: "n"): bytes.append(0x0A)
                    case UInt8(ascii: "t"): bytes.append(0x09)
                    case UInt8(ascii: "r"): bytes.append(0x0D)
                    case UInt8(ascii: "b"): bytes.append(0x08)
                    case UInt8(ascii: "f"): bytes.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard pos + 4 < scalars.count,
                              let v = UInt32(String(decoding: scalars[(pos + 1)...(pos + 4)], as: UTF8.self), radix: 16)
                        else { throw ParseError(message: "bad \\u escape at byte \(pos)") }
                        pos += 4
                        var code = v
                        // surrogate pair
                        if (0xD800..<0xDC00).contains(v), pos + 6 < scalars.count, scalars[pos + 1] == UInt8(ascii: "\\"),
                           scalars[pos + 2] == UInt8(ascii: "u"),
                           let lo = UInt32(String(decoding: scalars[(pos + 3)...(pos + 6)], as: UTF8.self), radix: 16),
                           (0xDC00..<0xE000).contains(lo) {
                            code = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
                            pos += 6
                        }
                        bytes.append(contentsOf: Array(String(UnicodeScalar(code).map(Character.init) ?? "\u{FFFD}").utf8))
                    default: bytes.append(e)
                    }
                    pos += 1
                } else {
                    bytes.append(scalars[pos])
                    pos += 1
                }
            }
            guard pos < scalars.count else { throw ParseError(message: "unterminated string") }
            pos += 1
            return .string(String(decoding: bytes, as: UTF8.self))
        default:
            let start = pos
            while pos < scalars.count, !([UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09].contains(scalars[pos])) { pos += 1 }
            let token = String(decoding: scalars[start..<pos], as: UTF8.self)
            if let i = Int(token) { return .int(i) }
            if token == "true" || token == "false" || token == "null" || Double(token) != nil { return .other }
            throw ParseError(message: "unexpected token '\(token)' at byte \(start)")
        }
    }
}
