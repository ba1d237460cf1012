import Foundation
import PrepCore

/// Reads a file byte by byte or line by line through a 1 MiB buffer (shard outputs are read as
/// streams, never whole).
final class ByteStream {
    let url: URL
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var index = 0
    private var atEnd = false

    init(_ url: URL) throws {
        self.url = url
        guard let h = FileHandle(forReadingAtPath: url.path) else { throw PrepError.io(path: url.path, reason: "cannot open for reading") }
        handle = h
    }

    deinit { try? handle.close() }

    private func refill() -> Bool {
        guard !atEnd else { return false }
        let chunk = handle.readData(ofLength: 1 << 20)
        if chunk.isEmpty { atEnd = true; return false }
        buffer = [UInt8](chunk)
        index = 0
        return true
    }

    /// The next byte, or nil at the end of the file.
    @inline(__always) func next() -> UInt8? {
        if index == buffer.count && !refill() { return nil }
        let b = buffer[index]
        index += 1
        return b
    }

    /// The next line with its `\n` (the last one without, if the file does not end with one).
    func line() -> [UInt8]? {
        var out: [UInt8] = []
        while true {
            if index == buffer.count && !refill() { return out.isEmpty ? nil : out }
            if let nl = buffer[index...].firstIndex(of: 0x0A) {
                out.append(contentsOf: buffer[index...nl])
                index = nl + 1
                return out
            }
            out.append(contentsOf: buffer[index...])
            index = buffer.count
        }
    }
}

/// A shard's positions file (`.prep-shard/positions/N.pos`): one decimal position per record.
final class PositionReader {
    private let stream: ByteStream
    /// The position of the next record, nil when there are no more.
    private(set) var head: Int?

    init(_ url: URL) throws {
        stream = try ByteStream(url)
        try advance()
    }

    func advance() throws {
        guard let line = stream.line() else { head = nil; return }
        guard let p = Int(String(decoding: line.filter { $0 != 0x0A }, as: UTF8.self)) else {
            throw PrepError.input(file: stream.url.path, line: nil, reason: "not a position: \(String(decoding: line, as: UTF8.self))")
        }
        head = p
    }
}
