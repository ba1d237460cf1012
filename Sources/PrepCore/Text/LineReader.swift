import Foundation

/// Streams the lines of a text file in constant memory: a leading UTF-8 BOM is removed,
/// `\n`, `\r\n` and lone `\r` all end a line (Python's universal newlines), and each line is
/// decoded strictly, so bytes that are not valid in the encoding name their line and byte.
///
/// The file is opened through `FileBytes.open` (regular files only), and a line longer than
/// `InputLimits.maxLineLength` is not kept: it comes back with `overLimit` set and no bytes
/// (its bytes are skipped up to its end), and `decode` or `check` turn it into an error naming
/// the line and the limit, so a file without line ends cannot fill memory.
public final class LineReader: Sequence, IteratorProtocol {
    /// One line: its 1-based number, its bytes (without the line end) and their offset in the file.
    public struct Line: Sendable {
        public var number: Int
        public var bytes: [UInt8]
        public var offset: Int
        /// The line's length in bytes (without the line end), also when its bytes were dropped.
        public var length: Int
        /// Longer than `InputLimits.maxLineLength`: `bytes` is empty.
        public var overLimit: Bool

        public init(number: Int, bytes: [UInt8], offset: Int, length: Int? = nil, overLimit: Bool = false) {
            self.number = number
            self.bytes = bytes
            self.offset = offset
            self.length = length ?? bytes.count
            self.overLimit = overLimit
        }
    }

    public let url: URL
    public let encoding: TextEncoding
    /// Whether the file started with a UTF-8 byte-order mark (which was removed).
    public private(set) var hadBOM = false
    private let fd: Int32
    /// The file's size when opened: reading stops there without a last read returning 0.
    private let size: Int
    private var consumed = 0
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false
    private var lineNumber = 0
    private var fileOffset = 0
    private var first = true
    private let limit: Int
    /// Where each read lands (uninitialised, allocated once per reader).
    private let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)

    /// `url.path`, computed once: it is not free, and decode needs it for every line.
    private let path: String

    public init(url: URL, encoding: TextEncoding = .utf8, maxLineLength: Int = InputLimits.maxLineLength) throws {
        self.url = url
        self.path = url.path
        self.encoding = encoding
        limit = maxLineLength
        switch FileBytes.open(url.path) {
        case let .success(o): fd = o.fd; size = o.size
        case let .failure(f): throw PrepError.io(path: url.path, reason: f.missing ? "cannot open for reading (no such file)" : "cannot open for reading: \(f.reason)")
        }
    }

    deinit { close(fd); chunk.deallocate() }

    private func fill() -> Bool {
        if eof { return false }
        if start > 0 { buffer.removeFirst(start); start = 0 }
        var n = 0
        // A file that grew since it was opened is read to its size at opening (one read fewer per
        // small file: the usual gt file is read whole by the first call).
        if consumed >= size { eof = true; return false }
        repeat { n = Foundation.read(fd, chunk.baseAddress!, Swift.min(chunk.count, size - consumed)) } while n < 0 && errno == EINTR
        if n <= 0 { eof = true; return false }
        consumed += n
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
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
        var i = start          // where scanning for the line end goes on (never rescans)
        var dropped = 0        // bytes of an over-long line already let go
        while true {
            let n = buffer.count
            while i < n {
                let b = buffer[i]
                if b == 0x0A || b == 0x0D {
                    // A '\r' at the end of the buffer may be the first half of "\r\n".
                    if b == 0x0D && i + 1 == n && !eof { break }
                    var end = i + 1
                    if b == 0x0D && end < n && buffer[end] == 0x0A { end += 1 }
                    return emit(upTo: i, next: end, dropped: dropped)
                }
                i += 1
            }
            if dropped + i - start > limit {
                dropped += i - start
                start = i
            }
            let shift = start
            if !fill() {
                if start < buffer.count || dropped > 0 { return emit(upTo: buffer.count, next: buffer.count, dropped: dropped) }
                return nil
            }
            i -= shift
        }
    }

    private func emit(upTo end: Int, next: Int, dropped: Int) -> Line {
        lineNumber += 1
        let length = dropped + end - start
        let over = length > limit
        let line = Line(number: lineNumber, bytes: over ? [] : Array(buffer[start..<end]), offset: fileOffset, length: length, overLimit: over)
        fileOffset += dropped + next - start
        start = next
        return line
    }

    /// Throws for a line over the length limit, naming the file and line.
    public func check(_ line: Line) throws {
        if line.overLimit { throw PrepError.input(file: url.path, line: line.number, reason: InputLimits.lineTooLong(line.length)) }
    }

    /// Decodes a line's bytes, or throws naming the file, the line and the first bad byte.
    public func decode(_ line: Line) throws -> String {
        try check(line)
        return try encoding.decode(line.bytes, file: path, line: line.number)
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
            if let s = bytes.withUnsafeBufferPointer(TextEncoding.utf8String) { return s }
            let bad = TextEncoding.firstInvalidUTF8(bytes) ?? 0
            throw PrepError.input(file: file, line: line,
                                  reason: String(format: "not valid UTF-8 at byte %d of the line (0x%02X)", bad + 1, bytes[bad]))
        }
    }

    /// The string these bytes spell if they are valid UTF-8, else nil. ASCII (most text in
    /// annotation files) is checked eight bytes at a time and made without `String(validating:)`,
    /// whose generic path looks up type metadata on every call (measurable on a million lines).
    public static func utf8String(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = b.baseAddress else { return "" }
        let raw = UnsafeRawPointer(base), n = b.count
        var i = 0
        while i + 8 <= n {
            if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return String(validating: b, as: UTF8.self) }
            i += 8
        }
        while i < n {
            if base[i] >= 0x80 { return String(validating: b, as: UTF8.self) }
            i += 1
        }
        return String(decoding: b, as: UTF8.self)
    }

    /// Index of the first byte that breaks UTF-8, or nil.
    static func firstInvalidUTF8(_ b: [UInt8]) -> Int? {
        b.withUnsafeBufferPointer { firstInvalidUTF8($0) }
    }

    /// Index of the first byte that breaks UTF-8 (an overlong form, a surrogate, a value past
    /// U+10FFFF, a sequence cut short), or nil; nothing is allocated.
    public static func firstInvalidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
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
