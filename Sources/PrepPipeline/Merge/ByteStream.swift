import Foundation
import PrepCore
import CPrepKernels

/// Reads a file byte by byte, line by line or in scanned runs through a 1 MiB buffer (shard
/// outputs are read as streams, never whole). The buffer is filled by `read(2)` in place (no
/// `Data` and no copy of it per chunk: the merge reads every byte of the record files).
final class ByteStream {
    let url: URL
    private let fd: Int32
    private var buffer: [UInt8]
    /// Bytes of `buffer` holding file data; `index` is the next one to hand out.
    private var filled = 0
    private var index = 0
    private var atEnd = false

    /// `chunk`: bytes read at a time (small in tests, so records straddle the buffer's end).
    init(_ url: URL, chunk: Int = 1 << 20) throws {
        self.url = url
        fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw PrepError.io(path: url.path, reason: "cannot open for reading") }
        buffer = [UInt8](repeating: 0, count: max(1, chunk))
    }

    deinit { close(fd) }

    private func refill() -> Bool {
        guard !atEnd else { return false }
        var got: Int
        repeat {
            got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
        } while got < 0 && errno == EINTR
        // A read error ends the stream as the end of the file would: the merge then finds
        // fewer records than the shard's ledger lists and says so.
        if got <= 0 { atEnd = true; filled = 0; index = 0; return false }
        filled = got
        index = 0
        return true
    }

    /// The next byte, or nil at the end of the file.
    @inline(__always) func next() -> UInt8? {
        if index == filled && !refill() { return nil }
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
            if index == filled && !refill() { return false }
            let start = index
            let found = run(stop)
            out.appendBytes(of: buffer, start..<index)
            if found { return true }
        }
    }

    /// `scan(into:until:)` without keeping the bytes.
    @inline(__always)
    func skip(until stop: (UInt8) -> Bool) -> Bool {
        while true {
            if index == filled && !refill() { return false }
            if run(stop) { return true }
        }
    }

    /// Advances `index` through the buffer up to and including the byte `stop` accepts (true),
    /// or to the buffer's end (false).
    @inline(__always)
    private func run(_ stop: (UInt8) -> Bool) -> Bool {
        let filled = filled
        let (end, found) = buffer.withUnsafeBufferPointer { b -> (Int, Bool) in
            var i = index
            while i < filled {
                if stop(b[i]) { return (i + 1, true) }
                i += 1
            }
            return (i, false)
        }
        index = end
        return found
    }
}

/// Where a JSON value being scanned stands (nesting depth, string and escape state), kept
/// across buffer refills: the C scan's own state.
typealias JSONScanState = prep_json_scan_state

extension JSONScanState {
    init(depth: Int, inString: Bool = false) {
        self.init(depth: Int64(depth), in_string: inString ? 1 : 0, escape: 0)
    }
}

/// The JSON bytes `JSONIntFields.find` stops at (1 quote, 2 backslash, 3 `{` `[`, 4 `}` `]`,
/// 5 comma); every other byte is 0, so runs of digits, spaces and letters are skipped with one
/// table load each instead of a state machine step.
enum JSONByteClass {
    static let quote: UInt8 = 1, backslash: UInt8 = 2, open: UInt8 = 3, close: UInt8 = 4, comma: UInt8 = 5
    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        t[0x22] = quote; t[0x5C] = backslash
        t[0x7B] = open; t[0x5B] = open; t[0x7D] = close; t[0x5D] = close
        t[0x2C] = comma
        return t
    }()
}

extension ByteStream {
    /// Appends the next bytes to `out` (unless `keep` is false) until the JSON value described by
    /// `state` closes (depth back to 0 outside a string; that byte included), true, or the file
    /// ends, false. This scan is most of a JSON merge's work: it runs in C, 16 bytes at a time
    /// (`prep_json_scan_value`).
    func scanJSONValue(into out: inout [UInt8], state: inout JSONScanState, keep: Bool = true) -> Bool {
        while true {
            if index == filled && !refill() { return false }
            let start = index, count = filled - index
            var used = 0
            let closed = buffer.withUnsafeBufferPointer { b in prep_json_scan_value(b.baseAddress! + start, count, &state, &used) }
            if keep { out.appendBytes(of: buffer, start..<(start + used)) }
            index = start + used
            if closed != 0 { return true }
        }
    }
}

/// A shard's positions file (`.prep-shard/positions/N.pos`): one decimal position per record.
final class PositionReader {
    private let stream: ByteStream
    /// The position of the next record, nil when there are no more.
    private(set) var head: Int?

    init(_ url: URL) throws {
        stream = try ByteStream(url, chunk: 1 << 16)
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

extension Array where Element == UInt8 {
    /// Appends `source[range]` with one copy. `append(contentsOf: source[range])` goes through an
    /// `ArraySlice`, which retains and releases `source`'s storage on every call: a fifth of a
    /// COCO merge's CPU, where it runs a few times per record.
    @inline(__always)
    mutating func appendBytes(of source: [UInt8], _ range: Range<Int>) {
        source.withUnsafeBufferPointer { append(contentsOf: UnsafeBufferPointer(rebasing: $0[range])) }
    }
}
