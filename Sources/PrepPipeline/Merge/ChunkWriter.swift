import Foundation
import PrepCore

/// Where the merge puts renumbered records: a byte array, or the merge's output file.
protocol MergedBytes {
    mutating func append(bytes: UnsafeBufferPointer<UInt8>) throws
    /// `value` in decimal (Python's `str(int)`).
    mutating func append(decimal value: Int) throws
}

extension Array: MergedBytes where Element == UInt8 {
    @inline(__always) mutating func append(bytes: UnsafeBufferPointer<UInt8>) { append(contentsOf: bytes) }
    @inline(__always) mutating func append(decimal value: Int) { JSONIntFields.appendDecimal(value, to: &self) }
}

/// The merged file written through a raw 1 MiB buffer, each record copied into it once with
/// `memcpy` and the buffer handed to `write(2)` as it is. (Through a `[UInt8]` chunk and
/// `BufferedFileWriter`, the generic `append(contentsOf:)` of each piece, its uniqueness check,
/// and the chunk's second copy into the writer's buffer were a third of the merge by lengths.)
final class ChunkWriter: MergedBytes {
    let url: URL
    private let fd: Int32
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    private var closed = false

    init(url: URL, capacity: Int = 1 << 20) throws {
        self.url = url
        // Created as `BufferedFileWriter` creates its files (the same mode), then opened.
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw PrepError.io(path: url.path, reason: "cannot create file")
        }
        fd = open(url.path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else { throw PrepError.io(path: url.path, reason: "cannot open for writing") }
        self.capacity = max(32, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
        if !closed { Foundation.close(fd) }
    }

    /// Makes room for `n` more bytes, so that the `put`s of a record after it need no check of
    /// their own: flushes, and grows the buffer for a record larger than it.
    @inline(__always) func reserve(_ n: Int) throws {
        if n > capacity - count { try makeRoom(n) }
    }

    private func makeRoom(_ n: Int) throws {
        try flush()
        guard n > capacity else { return }
        base.deallocate()
        base = .allocate(capacity: n)
        capacity = n
    }

    /// Appends `bytes` into room made by `reserve`.
    @inline(__always) func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress else { return }
        (base + count).update(from: from, count: bytes.count)
        count += bytes.count
    }

    @inline(__always) func put(_ s: StaticString) {
        put(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    @inline(__always) func put(byte: UInt8) {
        base[count] = byte
        count += 1
    }

    @inline(__always) func append(bytes: UnsafeBufferPointer<UInt8>) throws {
        try reserve(bytes.count)
        put(bytes)
    }

    func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { try append(bytes: $0) }
    }

    /// `, ` between two records.
    @inline(__always) func appendSeparator() throws {
        try reserve(2)
        base[count] = 0x2C
        base[count + 1] = 0x20
        count += 2
    }

    @inline(__always) func append(decimal value: Int) throws {
        try reserve(20)
        var v = value.magnitude, digits = 1
        while v >= 10 { v /= 10; digits += 1 }
        var at = count
        if value < 0 { base[at] = 0x2D; at += 1 }
        v = value.magnitude
        var i = at + digits
        repeat {
            i -= 1
            base[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
            v /= 10
        } while i > at
        count = at + digits
    }

    func flush() throws {
        try writeOut(UnsafeBufferPointer(start: base, count: count))
        count = 0
    }

    /// Writes what is buffered and closes the file (a failed close is a failed write, as NFS
    /// reports some).
    func close() throws {
        try flush()
        closed = true
        guard Foundation.close(fd) == 0 else { throw PrepError.io(path: url.path, reason: "write failed (disk full?)") }
    }

    private func writeOut(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw PrepError.io(path: url.path, reason: "write failed (disk full?)") }
            done += n
        }
    }
}
