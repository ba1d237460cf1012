import Foundation
import PrepCore

/// A write-then-read-once queue of byte records in an unlinked file: `RecogLMDBWriter` keeps the
/// labels here while the images go into the LMDB, so both can be written in key order
/// (`MDB_APPEND`) with memory flat in the number of records. The file is removed from its folder
/// as soon as it is created, so nothing is left behind whatever happens to the process.
final class RecordSpool {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// While reading: the bytes of `buffer` that hold file data.
    private var filled = 0
    private var reading = false
    private var atEnd = false
    private static let chunk = 1 << 20

    /// Creates the spool in `directory` (on the output's file system, not a RAM-backed /tmp).
    init(in directory: URL) throws {
        path = directory.appendingPathComponent(".labels-\(getpid()).spool").path
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw PrepError.io(path: path, reason: "cannot create a temporary file") }
        unlink(path)
        buffer.reserveCapacity(Self.chunk + 4096)
    }

    deinit { close(fd) }

    /// Queues one record (a 4-byte length, then its bytes).
    func append(_ record: UnsafeRawBufferPointer) throws {
        precondition(!reading)
        var n = UInt32(record.count).littleEndian
        withUnsafeBytes(of: &n) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: record)
        if buffer.count >= Self.chunk { try flush() }
    }

    private func flush() throws {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            guard n > 0 else { throw PrepError.io(path: path, reason: "write failed (disk full?)") }
            done += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// The next record in the order they were appended (the first call ends the writing), nil
    /// after the last.
    func next() throws -> [UInt8]? {
        if !reading {
            try flush()
            guard lseek(fd, 0, SEEK_SET) == 0 else { throw PrepError.io(path: path, reason: "cannot rewind") }
            reading = true
        }
        guard let header = try take(4) else { return nil }
        let n = Int(UInt32(header[0]) | UInt32(header[1]) << 8 | UInt32(header[2]) << 16 | UInt32(header[3]) << 24)
        guard let record = try take(n) else { throw PrepError.io(path: path, reason: "temporary file cut short") }
        return record
    }

    /// The next `n` bytes, nil at the end of the file. Reads go into `buffer` at its full size
    /// (`filled` bytes hold data), so a refill is one `read` with nothing to grow or zero.
    private func take(_ n: Int) throws -> [UInt8]? {
        if buffer.count != Self.chunk {
            buffer = [UInt8](repeating: 0, count: Self.chunk)
            filled = 0
            readIndex = 0
        }
        var out: [UInt8] = []
        out.reserveCapacity(n)
        while out.count < n {
            if readIndex == filled {
                if atEnd { break }
                let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                guard got >= 0 else { throw PrepError.io(path: path, reason: "read failed") }
                filled = got
                readIndex = 0
                if got == 0 { atEnd = true; break }
            }
            let k = min(n - out.count, filled - readIndex)
            buffer.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[readIndex..<readIndex + k])) }
            readIndex += k
        }
        if out.isEmpty && n > 0 { return nil }
        return out.count == n ? out : nil
    }
}
