import Foundation
import PrepCore

/// Reads a file as runs of known length handed out in place: `take(n)` returns a view of the
/// next `n` bytes in its own buffer, valid until the next call, with no copy of them (the
/// merge by record lengths copies each record once, into the output). A run that straddles the
/// buffer's end is moved to its front before the next `read(2)`; one longer than the buffer
/// grows it. The buffer is raw memory, not an array property: no exclusivity check or
/// uniqueness test per record.
final class SpanReader {
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

    /// `chunk`: bytes read at a time (small in tests, so runs straddle the buffer's end).
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

    /// The next `n` bytes, or nil when the file ends before them.
    @inline(__always)
    func take(_ n: Int) -> UnsafeBufferPointer<UInt8>? {
        if end - start < n && !fill(n) { return nil }
        let view = UnsafeBufferPointer(start: base + start, count: n)
        start += n
        offset += n
        return view
    }

    /// The next byte, or nil at the end of the file.
    @inline(__always)
    func byte() -> UInt8? {
        if start == end && !fill(1) { return nil }
        let b = base[start]
        start += 1
        offset += 1
        return b
    }

    /// The next unsigned LEB128 number (`ShardRecordLengths`); nil at the end of the file, or
    /// for one cut short or too large for an `Int`.
    @inline(__always)
    func varint() -> Int? {
        var value = 0, shift = 0
        while let b = byte() {
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
            offset += i - start
            start = i
        }
        return true
    }

    /// Makes `n` unread bytes contiguous from `start`: false when the file has fewer.
    private func fill(_ n: Int) -> Bool {
        guard n <= remaining else { return false }
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
            // A read error ends the file as its end would: the caller then finds fewer bytes
            // than the shard's ledger lists and says so.
            if got <= 0 { atEnd = true } else { end += got }
        }
        return end >= n
    }
}
