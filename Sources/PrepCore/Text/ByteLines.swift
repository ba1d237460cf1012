#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The lines of a text file already held in memory, cut as `LineReader` cuts a file: a leading
/// UTF-8 BOM is removed, `\n`, `\r\n` and lone `\r` all end a line, a last line without its end
/// still counts, and lines are numbered from 1 (blank ones included). (One nuance: a lone `\r`
/// that ends the file ends its last line here, where `LineReader` keeps it as the line's last
/// byte; callers that trim lines see the same text.)
///
/// It hands out byte ranges, not copies: a small annotation file (an ICDAR gt file) is read whole
/// with one `read` and parsed in place, where `LineReader` copies every line into its own array.
public struct ByteLines: Sequence, IteratorProtocol {
    /// One line: its 1-based number and where its bytes are (without the line end).
    public struct Line {
        public var number: Int
        public var range: Range<Int>
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var start: Int
    private var number = 0

    /// `bytes` must outlive the iteration.
    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        start = bom ? 3 : 0
    }

    public mutating func next() -> Line? {
        let n = bytes.count
        guard start < n else { return nil }
        // The line ends at its first `\n` or `\r`: two `memchr`s (vectorised) instead of a
        // loop testing both bytes.
        let base = bytes.baseAddress!
        let lf = memchr(base + start, 0x0A, n - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? n
        let i = memchr(base + start, 0x0D, lf - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? lf
        number += 1
        let line = Line(number: number, range: start..<i)
        if i < n {
            start = bytes[i] == 0x0D && i + 1 < n && bytes[i + 1] == 0x0A ? i + 2 : i + 1
        } else {
            start = n
        }
        return line
    }
}
