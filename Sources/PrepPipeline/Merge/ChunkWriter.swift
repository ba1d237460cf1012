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
    @inline(__always) mutating func append(decimal value: Int) { PyJSON.appendInt(value, to: &self) }
}

/// The merged file assembled in a raw 1 MiB chunk through a `ByteCursor`, each record copied
/// into it once with `memcpy`, and the chunk handed to the file's `BufferedFileWriter` as it is
/// (`write(raw:)`). (Through a `[UInt8]` chunk and the writer's own buffer, the generic
/// `append(contentsOf:)` of each piece, its uniqueness check, and the chunk's second copy into
/// the writer's buffer were a third of the merge by lengths.)
final class ChunkWriter: MergedBytes {
    private let file: BufferedFileWriter
    private var capacity: Int
    /// Writes into the chunk (`cursor.start`, `capacity` bytes).
    private var cursor: ByteCursor

    init(url: URL, capacity: Int = 1 << 20) throws {
        file = try BufferedFileWriter(url: url)
        self.capacity = max(ByteCursor.maxIntBytes, capacity)
        cursor = ByteCursor(.allocate(capacity: self.capacity))
    }

    var url: URL { file.url }

    deinit { cursor.start.deallocate() }

    /// Makes room for `n` more bytes, so that the `put`s of a record after it need no check of
    /// their own: flushes, and grows the chunk for a record larger than it.
    @inline(__always) func reserve(_ n: Int) throws {
        if n > capacity - cursor.count { try makeRoom(n) }
    }

    private func makeRoom(_ n: Int) throws {
        try flush()
        guard n > capacity else { return }
        cursor.start.deallocate()
        cursor = ByteCursor(.allocate(capacity: n))
        capacity = n
    }

    /// Appends `bytes` into room made by `reserve`.
    @inline(__always) func put(_ bytes: UnsafeBufferPointer<UInt8>) { cursor.put(bytes) }

    @inline(__always) func put(_ s: StaticString) { cursor.put(s) }

    @inline(__always) func put(byte: UInt8) { cursor.put(byte) }

    @inline(__always) func append(bytes: UnsafeBufferPointer<UInt8>) throws {
        try reserve(bytes.count)
        cursor.put(bytes)
    }

    func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { try append(bytes: $0) }
    }

    /// `, ` between two records.
    @inline(__always) func appendSeparator() throws {
        try reserve(2)
        cursor.put(0x2C, 0x20)
    }

    @inline(__always) func append(decimal value: Int) throws {
        try reserve(ByteCursor.maxIntBytes)
        cursor.putInt(value)
    }

    func flush() throws {
        try file.write(raw: UnsafeRawBufferPointer(start: cursor.start, count: cursor.count))
        cursor = ByteCursor(cursor.start)
    }

    /// Writes what is assembled and closes the file.
    func close() throws {
        try flush()
        try file.close()
    }
}
