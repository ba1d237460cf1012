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

    /// Copies another file's bytes to the end of this one.
    public func append(contentsOf other: URL) throws {
        try flush()
        guard let input = FileHandle(forReadingAtPath: other.path) else {
            throw PrepError.io(path: other.path, reason: "cannot open for reading")
        }
        defer { try? input.close() }
        while true {
            let chunk = input.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            do { try handle.write(contentsOf: chunk) } catch {
                throw PrepError.io(path: url.path, reason: "write failed (disk full?)")
            }
            bytesWritten += chunk.count
        }
    }

    public func close() throws {
        try flush()
        try handle.close()
    }
}
