import Foundation
import PrepCore
import CPrepKernels

/// Reads a file through a 1 MiB buffer (shard outputs are read as streams, never whole): byte
/// by byte, line by line, in scanned runs, or as runs of known length handed out in place
/// (`take(n)`: a view of the next `n` bytes in the buffer, valid until the next call, no copy;
/// the merge by record lengths copies each record once, into the output). The buffer is raw
/// memory filled by `read(2)` in place, not an array property: no `Data`, no copy per chunk, and
/// no exclusivity check or uniqueness test per record.
final class ByteStream {
    let url: URL
    private let fd: Int32
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Unread bytes are `base[start..<end]`.
    private var start = 0, end = 0
    private var atEnd = false
    /// The file's size when opened, and the file offset of `base[start]`.
    let size: Int
    private(set) var offset: Int

    /// `chunk`: bytes read at a time (small in tests, so records straddle the buffer's end);
    /// `offset`: where to start reading.
    init(_ url: URL, at offset: Int = 0, chunk: Int = 1 << 20) throws {
        self.url = url
        fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw PrepError.io(path: url.path, reason: "cannot open for reading") }
        var st = stat()
        guard fstat(fd, &st) == 0, offset <= Int(st.st_size), lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else {
            close(fd)
            throw PrepError.io(path: url.path, reason: "cannot read")
        }
        size = Int(st.st_size)
        self.offset = offset
        capacity = max(1, chunk)
        base = .allocate(capacity: capacity)
    }

    deinit {
        base.deallocate()
        close(fd)
    }

    /// Bytes left between the read position and the end of the file (as it was opened).
    var remaining: Int { size - offset }

    /// Makes `n` unread bytes contiguous from `start`: false when the file has fewer (nothing is
    /// consumed then).
    private func fill(_ n: Int) -> Bool {
        let unread = end - start
        if n > capacity {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
            grown.update(from: base + start, count: unread)
            base.deallocate()
            base = grown
            capacity = n
        } else if unread > 0 && start > 0 {
            memmove(base, base + start, unread)
        }
        start = 0
        end = unread
        while end < n && !atEnd {
            var got: Int
            repeat {
                got = read(fd, base + end, capacity - end)
            } while got < 0 && errno == EINTR
            // A read error ends the stream as the end of the file would: the merge then finds
            // fewer records than the shard's ledger lists and says so.
            if got <= 0 { atEnd = true } else { end += got }
        }
        return end >= n
    }

    /// Consumes `n` bytes of the buffer.
    @inline(__always) private func consume(_ n: Int) {
        start += n
        offset += n
    }

    /// The next byte, or nil at the end of the file.
    @inline(__always) func next() -> UInt8? {
        if start == end && !fill(1) { return nil }
        let b = base[start]
        consume(1)
        return b
    }

    /// The next `n` bytes as a view of the buffer (valid until the next call), or nil when the
    /// file ends before them.
    @inline(__always)
    func take(_ n: Int) -> UnsafeBufferPointer<UInt8>? {
        if end - start < n && !fill(n) { return nil }
        let view = UnsafeBufferPointer(start: base + start, count: n)
        consume(n)
        return view
    }

    /// The next unsigned LEB128 number (`ShardRecordLengths`); nil at the end of the file, or
    /// for one cut short or too large for an `Int`.
    @inline(__always)
    func varint() -> Int? {
        var value = 0, shift = 0
        while let b = next() {
            value |= Int(b & 0x7F) << shift
            if b < 0x80 { return value }
            // Nine bytes hold 63 bits: a tenth would not fit a non-negative Int.
            shift += 7
            if shift > 56 { return nil }
        }
        return nil
    }

    /// Skips `n` varints (counting their last bytes, a run of the buffer at a time): false when
    /// the file ends first. (The image pass skips every annotation's length this way.)
    @inline(__always)
    func skipVarints(_ n: Int) -> Bool {
        var left = n
        while left > 0 {
            if start == end && !fill(1) { return false }
            var i = start
            while i < end {
                let last = base[i] < 0x80
                i += 1
                if last {
                    left -= 1
                    if left == 0 { break }
                }
            }
            consume(i - start)
        }
        return true
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
            if start == end && !fill(1) { return false }
            let from = start
            let found = run(stop)
            out.append(contentsOf: UnsafeBufferPointer(start: base + from, count: start - from))
            if found { return true }
        }
    }

    /// `scan(into:until:)` without keeping the bytes.
    @inline(__always)
    func skip(until stop: (UInt8) -> Bool) -> Bool {
        while true {
            if start == end && !fill(1) { return false }
            if run(stop) { return true }
        }
    }

    /// Consumes the buffer up to and including the byte `stop` accepts (true), or to the
    /// buffer's end (false).
    @inline(__always)
    private func run(_ stop: (UInt8) -> Bool) -> Bool {
        var i = start
        while i < end {
            if stop(base[i]) { consume(i + 1 - start); return true }
            i += 1
        }
        consume(i - start)
        return false
    }

    /// Appends the next bytes to `out` (unless `keep` is false) until the JSON value described by
    /// `state` closes (depth back to 0 outside a string; that byte included), true, or the file
    /// ends, false. This scan is most of a JSON merge's work: it runs in C, 16 bytes at a time
    /// (`prep_json_scan_value`).
    func scanJSONValue(into out: inout [UInt8], state: inout JSONScanState, keep: Bool = true) -> Bool {
        while true {
            if start == end && !fill(1) { return false }
            var used = 0
            let closed = prep_json_scan_value(base + start, end - start, &state, &used)
            if keep { out.append(contentsOf: UnsafeBufferPointer(start: base + start, count: used)) }
            consume(used)
            if closed != 0 { return true }
        }
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
