import Foundation
import PrepCore

/// Reads a file byte by byte, line by line or in scanned runs through a 1 MiB buffer (shard
/// outputs are read as streams, never whole).
final class ByteStream {
    let url: URL
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var index = 0
    private var atEnd = false
    private let chunk: Int

    /// `chunk`: bytes read at a time (small in tests, so records straddle the buffer's end).
    init(_ url: URL, chunk: Int = 1 << 20) throws {
        self.url = url
        self.chunk = chunk
        guard let h = FileHandle(forReadingAtPath: url.path) else { throw PrepError.io(path: url.path, reason: "cannot open for reading") }
        handle = h
    }

    deinit { try? handle.close() }

    private func refill() -> Bool {
        guard !atEnd else { return false }
        let chunk = handle.readData(ofLength: chunk)
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
        return scan(into: &out) { $0 == 0x0A } || !out.isEmpty ? out : nil
    }

    /// Feeds the next bytes to `stop` until it returns true for one (that byte included) or the
    /// file ends (false), appending them to `out` a buffer run at a time: the per-byte work is
    /// `stop` alone, which is what makes the merge's JSON scanning fast.
    @inline(__always)
    func scan(into out: inout [UInt8], until stop: (UInt8) -> Bool) -> Bool {
        while true {
            if index == buffer.count && !refill() { return false }
            let start = index
            let found = run(stop)
            out.append(contentsOf: buffer[start..<index])
            if found { return true }
        }
    }

    /// `scan(into:until:)` without keeping the bytes.
    @inline(__always)
    func skip(until stop: (UInt8) -> Bool) -> Bool {
        while true {
            if index == buffer.count && !refill() { return false }
            if run(stop) { return true }
        }
    }

    /// Advances `index` through the buffer up to and including the byte `stop` accepts (true),
    /// or to the buffer's end (false).
    @inline(__always)
    private func run(_ stop: (UInt8) -> Bool) -> Bool {
        let (end, found) = buffer.withUnsafeBufferPointer { b -> (Int, Bool) in
            var i = index
            while i < b.count {
                if stop(b[i]) { return (i + 1, true) }
                i += 1
            }
            return (i, false)
        }
        index = end
        return found
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
        var value = 0, digits = 0, seen = 0, bad = false
        let ended = !stream.skip { b in
            if b == 0x0A { return true }
            seen += 1
            if b >= 0x30 && b <= 0x39 && digits < 18 { value = value * 10 + Int(b - 0x30); digits += 1 } else { bad = true }
            return false
        }
        if ended && seen == 0 { head = nil; return }
        guard !bad, digits > 0 else {
            throw PrepError.input(file: stream.url.path, line: nil, reason: "not a position (a line that is not a decimal number)")
        }
        head = value
    }
}

extension ByteStream {
    /// The next `n` bytes, or nil when the file ends before them.
    func take(_ n: Int) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(n)
        if n == 0 { return out }
        var left = n
        _ = scan(into: &out) { _ in left -= 1; return left == 0 }
        return out.count == n ? out : nil
    }
}
