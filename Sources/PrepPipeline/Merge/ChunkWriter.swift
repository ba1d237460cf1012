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

/// The merged file assembled in a raw 1 MiB chunk, each record copied into it once with
/// `memcpy`, and the chunk handed to the file's `BufferedFileWriter` as it is
/// (`write(raw:)`). (Through a `[UInt8]` chunk and the writer's own buffer, the generic
/// `append(contentsOf:)` of each piece, its uniqueness check, and the chunk's second copy into
/// the writer's buffer were a third of the merge by lengths.)
final class ChunkWriter: MergedBytes {
    private let file: BufferedFileWriter
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0

    init(url: URL, capacity: Int = 1 << 20) throws {
        file = try BufferedFileWriter(url: url)
        self.capacity = max(32, capacity)
        base = .allocate(capacity: self.capacity)
    }

    var url: URL { file.url }

    deinit { base.deallocate() }

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
        try file.write(raw: UnsafeRawBufferPointer(start: base, count: count))
        count = 0
    }

    /// Writes what is assembled and closes the file.
    func close() throws {
        try flush()
        try file.close()
    }
}
