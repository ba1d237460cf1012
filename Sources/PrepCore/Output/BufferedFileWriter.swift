import Foundation

/// Appends bytes to a file through a 1 MiB buffer (outputs are streamed, never built as one string).
public final class BufferedFileWriter {
    public let url: URL
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private static let flushSize = 1 << 20
    public private(set) var bytesWritten = 0

    public init(url: URL) throws {
        self.url = url
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw PrepError.io(path: url.path, reason: "cannot create file")
        }
        handle = try FileHandle(forWritingTo: url)
        buffer.reserveCapacity(BufferedFileWriter.flushSize + 4096)
    }

    public func write(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= BufferedFileWriter.flushSize { try flush() }
    }

    public func write(_ string: String) throws { try write(Array(string.utf8)) }

    /// Writes `bytes` after what is buffered without copying them into the buffer (a caller
    /// that assembles its own chunks in raw memory, as the merge by record lengths does).
    public func write(raw bytes: UnsafeRawBufferPointer) throws {
        try flush()
        guard bytes.count > 0 else { return }
        do { try handle.write(contentsOf: bytes) } catch {
            throw PrepError.io(path: url.path, reason: "write failed (disk full?)")
        }
        bytesWritten += bytes.count
    }

    /// Gives direct access to the buffer for serialisers that append in place.
    public func append(_ body: (inout [UInt8]) -> Void) throws {
        body(&buffer)
        if buffer.count >= BufferedFileWriter.flushSize { try flush() }
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        do { try handle.write(contentsOf: buffer) } catch {
            throw PrepError.io(path: url.path, reason: "write failed (disk full?)")
        }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Copies another file's bytes to the end of this one, 1 MiB per `read` (FileHandle's
    /// `readData(ofLength:)` reads 4 KiB per system call on Linux: ~900 calls for a COCO file's
    /// 3.5 MB of annotations).
    public func append(contentsOf other: URL) throws {
        try flush()
        let input: FileBytes.Opened
        switch FileBytes.open(other.path) {
        case let .success(o): input = o
        case .failure: throw PrepError.io(path: other.path, reason: "cannot open for reading")
        }
        defer { Foundation.close(input.fd) }
        var chunk = [UInt8](repeating: 0, count: min(BufferedFileWriter.flushSize, max(input.size, 1)))
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(input.fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw PrepError.io(path: other.path, reason: "read failed") }
            if n == 0 { break }
            do { try handle.write(contentsOf: chunk[..<n]) } catch {
                throw PrepError.io(path: url.path, reason: "write failed (disk full?)")
            }
            bytesWritten += n
        }
    }

    public func close() throws {
        try flush()
        try handle.close()
    }
}
