import Foundation
import PrepCore

/// Sequential bytes of one region of a MAT file: read as stored, or inflated on the fly when the
/// region is an `miCOMPRESSED` element. Both buffers are fixed (64 KiB each), so reading a
/// variable of any size holds only what the caller keeps (SynthText's `gt.mat` is streamed one
/// cell at a time; the reference and libmatio inflate whole variables).
final class MATByteStream {
    let path: String
    private let fd: Int32
    private var filePosition: Int
    private let fileEnd: Int
    private static let bufferSize = 1 << 16

    // Raw bytes read from the file (the input of inflate when compressed).
    private let input: UnsafeMutablePointer<UInt8>
    private var inputStart = 0, inputEnd = 0
    // Bytes ready for the caller.
    private let output: UnsafeMutablePointer<UInt8>
    private var outputStart = 0, outputEnd = 0
    /// The inflate state (ISA-L's or zlib's).
    private var inflater: StreamInflater?
    private var streamEnded = false
    /// Bytes handed to the caller so far (the logical position in the region).
    private(set) var position = 0

    /// A stream over `[offset, offset + length)` of the file at `path`, inflated if `compressed`.
    init(path: String, offset: Int, length: Int, compressed: Bool) throws {
        self.path = path
        fd = try FileBytes.openInput(URL(fileURLWithPath: path)).fd
        filePosition = offset
        fileEnd = offset + length
        input = .allocate(capacity: Self.bufferSize)
        output = .allocate(capacity: Self.bufferSize)
        if compressed {
            guard let s = StreamInflater() else {
                close(fd)
                input.deallocate()
                output.deallocate()
                throw PrepError.failed("zlib: cannot start inflating \(path)")
            }
            inflater = s
        }
    }

    deinit {
        input.deallocate()
        output.deallocate()
        close(fd)
    }

    private func fail(_ reason: String) -> PrepError { .input(file: path, line: nil, reason: reason) }

    /// Reads more raw bytes from the file into `input`; false at the end of the region.
    private func readFile() throws -> Bool {
        if inputStart < inputEnd { return true }
        let want = min(Self.bufferSize, fileEnd - filePosition)
        guard want > 0 else { return false }
        let n = pread(fd, input, want, off_t(filePosition))
        if n < 0 { throw PrepError.io(path: path, reason: "read failed") }
        if n == 0 { throw fail("the file ends early (a variable runs past the end of the file: cut short?)") }
        filePosition += n
        inputStart = 0
        inputEnd = n
        return true
    }

    /// Makes bytes available in `output`; false at the end of the data.
    private func fill() throws -> Bool {
        if outputStart < outputEnd { return true }
        outputStart = 0
        outputEnd = 0
        guard let inflater else {
            guard try readFile() else { return false }
            let n = inputEnd - inputStart
            output.update(from: input + inputStart, count: n)
            inputStart = inputEnd
            outputEnd = n
            return true
        }
        while outputEnd == 0 {
            if streamEnded { return false }
            if inputStart == inputEnd, try !readFile() {
                throw fail("the compressed data of a variable ends early (truncated file?)")
            }
            let step: (consumed: Int, produced: Int, ended: Bool)
            do {
                step = try inflater.inflate(UnsafeBufferPointer(start: input + inputStart, count: inputEnd - inputStart),
                                            into: UnsafeMutableBufferPointer(start: output, count: Self.bufferSize))
            } catch let damage as StreamInflater.Damage {
                throw fail("the compressed data of a variable is damaged (\(damage))")
            }
            inputStart += step.consumed
            outputEnd = step.produced
            if step.ended { streamEnded = true }
            // Input and room but nothing done: never loop on it.
            if step.consumed == 0 && step.produced == 0 && !step.ended {
                throw fail("the compressed data of a variable is damaged (inflating makes no progress)")
            }
        }
        return true
    }

    /// Whether every byte of the region has been read.
    func atEnd() throws -> Bool { try !fill() }

    /// Exactly `count` bytes.
    func read(_ count: Int) throws -> [UInt8] {
        var out = [UInt8]()
        // A damaged length must not reserve gigabytes up front: the data runs out first.
        out.reserveCapacity(min(count, 1 << 20))
        var left = count
        while left > 0 {
            guard try fill() else { throw fail("unexpected end of data (wanted \(count) bytes at position \(position))") }
            let n = min(left, outputEnd - outputStart)
            out.append(contentsOf: UnsafeBufferPointer(start: output + outputStart, count: n))
            outputStart += n
            left -= n
            position += n
        }
        return out
    }

    /// Skips `count` bytes. Stored (uncompressed) data past the buffer is not read at all: the
    /// file position jumps (a shard passes over other shards' SynthText boxes this way).
    func skip(_ count: Int) throws {
        var left = count
        let buffered = (outputEnd - outputStart) + (inputEnd - inputStart)
        if inflater == nil, left > buffered {
            // Use up what is buffered, then move the file position past the rest.
            let jump = left - buffered
            guard jump <= fileEnd - filePosition else { throw fail("unexpected end of data (skipping \(count) bytes at position \(position))") }
            outputStart = outputEnd
            inputStart = inputEnd
            filePosition += jump
            position += count
            return
        }
        while left > 0 {
            guard try fill() else { throw fail("unexpected end of data (skipping \(count) bytes at position \(position))") }
            let n = min(left, outputEnd - outputStart)
            outputStart += n
            left -= n
            position += n
        }
    }
}
