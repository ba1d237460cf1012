import Foundation
import PrepCore

/// A label file read line by line on demand: one pass builds an index of line offsets (4 bytes
/// a line below 4 GiB), then any line is one `pread`. Lines split as `LineReader` splits them
/// (universal newlines, BOM removed) and, as MMOCR's disk backend, blank lines are kept, so
/// index `i` is line `i + 1` of the file.
public final class TextLineFile: AnnFileBackend, @unchecked Sendable {
    public let url: URL
    public var source: String { url.path }
    public var isLMDB: Bool { false }
    public let count: Int
    private let fd: Int32
    private let size: Int
    // Line start offsets; files of 4 GiB or more use the wide table.
    private let narrow: [UInt32]
    private let wide: [Int]

    public init(url: URL) throws {
        self.url = url
        let reader = try LineReader(url: url)
        var narrow: [UInt32] = [], wide: [Int] = []
        let size = try LMDBEnvironment.fileSize(url)
        let useWide = size >= Int(UInt32.max)
        while let line = reader.next() {
            if useWide { wide.append(line.offset) } else { narrow.append(UInt32(line.offset)) }
        }
        self.narrow = narrow
        self.wide = wide
        self.size = size
        count = useWide ? wide.count : narrow.count
        fd = try FileBytes.openInput(url).fd
    }

    deinit { close(fd) }

    private func offset(_ i: Int) -> Int { i >= count ? size : (wide.isEmpty ? Int(narrow[i]) : wide[i]) }

    /// The raw bytes of line `index` without its line end.
    public func bytes(at index: Int) throws -> [UInt8] {
        guard index >= 0 && index < count else { throw PrepError.usage("line index \(index) is out of range (0..<\(count))") }
        let start = offset(index), end = offset(index + 1)
        if end - start > InputLimits.maxLineLength {
            throw PrepError.input(file: url.path, line: index + 1, reason: InputLimits.lineTooLong(end - start))
        }
        var buf = [UInt8](repeating: 0, count: end - start)
        let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(start)) }
        guard n == end - start else { throw PrepError.io(path: url.path, reason: "cannot read line \(index + 1) (the file changed?)") }
        while let last = buf.last, last == 0x0A || last == 0x0D { buf.removeLast() }
        return buf
    }

    public func line(at index: Int) throws -> String {
        try TextEncoding.utf8.decode(bytes(at: index), file: url.path, line: index + 1)
    }

    public func location(of index: Int) -> String { "\(url.path):\(index + 1)" }
}
