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
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
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

    @inline(__always) func append(bytes: UnsafeBufferPointer<UInt8>) throws {
        let n = bytes.count
        guard n > 0 else { return }
        if n > capacity - count {
            try flush()
            // A piece larger than the buffer goes straight to the file.
            if n > capacity { try put(bytes); return }
        }
        (base + count).update(from: bytes.baseAddress!, count: n)
        count += n
    }

    @inline(__always) func append(_ s: StaticString) throws {
        try append(bytes: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    @inline(__always) func append(byte: UInt8) throws {
        if count == capacity { try flush() }
        base[count] = byte
        count += 1
    }

    func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { try append(bytes: $0) }
    }

    /// `, ` between two records.
    @inline(__always) func appendSeparator() throws {
        if capacity - count < 2 { try flush() }
        base[count] = 0x2C
        base[count + 1] = 0x20
        count += 2
    }

    @inline(__always) func append(decimal value: Int) throws {
        if capacity - count < 20 { try flush() }
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
        try put(UnsafeBufferPointer(start: base, count: count))
        count = 0
    }

    /// Writes what is buffered and closes the file (a failed close is a failed write, as NFS
    /// reports some).
    func close() throws {
        try flush()
        closed = true
        guard Foundation.close(fd) == 0 else { throw PrepError.io(path: url.path, reason: "write failed (disk full?)") }
    }

    private func put(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw PrepError.io(path: url.path, reason: "write failed (disk full?)") }
            done += n
        }
    }
}
