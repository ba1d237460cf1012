import Foundation

/// Streams the lines of a text file in constant memory: a leading UTF-8 BOM is removed,
/// `\n`, `\r\n` and lone `\r` all end a line (Python's universal newlines), and each line is
/// decoded strictly, so bytes that are not valid in the encoding name their line and byte.
public final class LineReader: Sequence, IteratorProtocol {
    /// One line: its 1-based number, its bytes (without the line end) and their offset in the file.
    public struct Line: Sendable {
        public var number: Int
        public var bytes: [UInt8]
        public var offset: Int
    }

    public let url: URL
    public let encoding: TextEncoding
    /// Whether the file started with a UTF-8 byte-order mark (which was removed).
    public private(set) var hadBOM = false
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false
    private var lineNumber = 0
    private var fileOffset = 0
    private var first = true
    private static let chunk = 1 << 20

    /// `url.path`, computed once: it is not free, and decode needs it for every line.
    private let path: String

    public init(url: URL, encoding: TextEncoding = .utf8) throws {
        self.url = url
        self.path = url.path
        self.encoding = encoding
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw PrepError.io(path: url.path, reason: "cannot open for reading")
        }
    }

    deinit { try? handle.close() }

    private func fill() -> Bool {
        if eof { return false }
        let data = handle.readData(ofLength: LineReader.chunk)
        if data.isEmpty { eof = true; return false }
        if start > 0 { buffer.removeFirst(start); start = 0 }
        buffer.append(contentsOf: data)
        return true
    }

    /// The next raw line, or nil at the end of the file.
    public func next() -> Line? {
        if first {
            first = false
            while buffer.count < 3 && fill() {}
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF {
                hadBOM = true
                start = 3
                fileOffset = 3
            }
        }
        while true {
            var i = start
            let n = buffer.count
            while i < n {
                let b = buffer[i]
                if b == 0x0A || b == 0x0D {
                    // A '\r' at the end of the buffer may be the first half of "\r\n".
                    if b == 0x0D && i + 1 == n && !eof {
                        break
                    }
                    let line = Array(buffer[start..<i])
                    var end = i + 1
                    if b == 0x0D && end < n && buffer[end] == 0x0A { end += 1 }
                    lineNumber += 1
                    let result = Line(number: lineNumber, bytes: line, offset: fileOffset)
                    fileOffset += end - start
                    start = end
                    return result
                }
                i += 1
            }
            if !fill() {
                if start < buffer.count {
                    let line = Array(buffer[start...])
                    lineNumber += 1
                    let result = Line(number: lineNumber, bytes: line, offset: fileOffset)
                    fileOffset += buffer.count - start
                    start = buffer.count
                    return result
                }
                return nil
            }
        }
    }

    /// Decodes a line's bytes, or throws naming the file, the line and the first bad byte.
    public func decode(_ line: Line) throws -> String {
        try encoding.decode(line.bytes, file: path, line: line.number)
    }

    /// Every line of a (small) file, decoded.
    public static func readAll(_ url: URL, encoding: TextEncoding = .utf8) throws -> [(number: Int, text: String)] {
        let reader = try LineReader(url: url, encoding: encoding)
        var out: [(Int, String)] = []
        while let line = reader.next() { out.append((line.number, try reader.decode(line))) }
        return out
    }
}

/// Text encodings raw datasets use.
public enum TextEncoding: String, Sendable, Codable, CaseIterable {
    case utf8 = "utf-8"
    case latin1 = "latin1"

    /// Decodes bytes strictly (UTF-8) or byte for byte (Latin-1).
    public func decode(_ bytes: [UInt8], file: String, line: Int) throws -> String {
        switch self {
        case .latin1:
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case .utf8:
            if let s = String(validating: bytes, as: UTF8.self) { return s }
            let bad = TextEncoding.firstInvalidUTF8(bytes) ?? 0
            throw PrepError.input(file: file, line: line,
                                  reason: String(format: "not valid UTF-8 at byte %d of the line (0x%02X)", bad + 1, bytes[bad]))
        }
    }

    /// Index of the first byte that breaks UTF-8, or nil.
    static func firstInvalidUTF8(_ b: [UInt8]) -> Int? {
        var i = 0
        while i < b.count {
            let c = b[i]
            var need = 0
            if c < 0x80 { i += 1; continue }
            else if c >= 0xC2 && c <= 0xDF { need = 1 }
            else if c >= 0xE0 && c <= 0xEF { need = 2 }
            else if c >= 0xF0 && c <= 0xF4 { need = 3 }
            else { return i }
            if i + need >= b.count { return i }  // cut short at the end
            for k in 1...need where b[i + k] & 0xC0 != 0x80 { return i }
            // overlongs and surrogates
            if c == 0xE0 && b[i + 1] < 0xA0 { return i }
            if c == 0xED && b[i + 1] > 0x9F { return i }
            if c == 0xF0 && b[i + 1] < 0x90 { return i }
            if c == 0xF4 && b[i + 1] > 0x8F { return i }
            i += need + 1
        }
        return nil
    }
}
