import XCTest
import CZlib
@testable import PrepCore

/// ISA-L and zlib inflate the same zlib streams to the same bytes, in pieces of any size, and
/// both refuse damaged data (the adler32 trailer included).
final class StreamInflaterTests: XCTestCase {
    override func tearDown() { StreamInflater.preferISAL = true }

    /// `data` compressed by zlib (`compress2`, level 6).
    private func compressed(_ data: [UInt8]) -> [UInt8] {
        var size = compressBound(uLong(data.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        XCTAssertEqual(compress2(&out, &size, data, uLong(data.count), 6), Z_OK)
        return Array(out[..<Int(size)])
    }

    /// Inflates `stream` feeding `inStep` bytes and taking `outStep` at a time.
    private func inflate(_ stream: [UInt8], inStep: Int, outStep: Int, backend: StreamInflater.Backend) throws -> [UInt8] {
        StreamInflater.preferISAL = backend == .isal
        let inflater = try XCTUnwrap(StreamInflater())
        XCTAssertEqual(inflater.backend, backend)
        var out: [UInt8] = [], at = 0
        var piece = [UInt8](repeating: 0, count: outStep)
        while true {
            let end = min(stream.count, at + inStep)
            let step = try stream[at..<end].withUnsafeBufferPointer { i in
                try piece.withUnsafeMutableBufferPointer { try inflater.inflate(i, into: $0) }
            }
            at += step.consumed
            out += piece[..<step.produced]
            if step.ended { return out }
            if step.consumed == 0 && step.produced == 0 { throw StreamInflater.Damage(description: "cut short") }
        }
    }

    func testBothBackendsGiveTheSameBytes() throws {
        var rng = SplitMix64(seed: 7)
        // Compressible (repeats) and incompressible (random) parts.
        let data: [UInt8] = (0..<300_000).map { i in i % 3000 < 1500 ? UInt8(i % 7) : UInt8(truncatingIfNeeded: rng.next()) }
        let z = compressed(data)
        for backend in [StreamInflater.Backend.isal, .zlib] {
            XCTAssertEqual(try inflate(z, inStep: 1 << 16, outStep: 1 << 16, backend: backend), data, "\(backend)")
            XCTAssertEqual(try inflate(z, inStep: 7, outStep: 3001, backend: backend), data, "\(backend) in small pieces")
            XCTAssertEqual(try inflate(compressed([]), inStep: 100, outStep: 10, backend: backend), [], "\(backend), empty")
        }
    }

    func testBothBackendsRefuseDamage() throws {
        let data = Array(String(repeating: "SynthText gt.mat ", count: 2000).utf8)
        let z = compressed(data)
        var badSum = z
        badSum[badSum.count - 1] ^= 0x01    // the adler32 trailer
        var badHeader = z
        badHeader[1] ^= 0x01                  // FCHECK of the zlib header
        for backend in [StreamInflater.Backend.isal, .zlib] {
            XCTAssertThrowsError(try inflate(badSum, inStep: 4096, outStep: 4096, backend: backend)) { e in
                XCTAssertTrue("\(e)".contains("incorrect data check"), "\(backend): \(e)")
            }
            XCTAssertThrowsError(try inflate(badHeader, inStep: 4096, outStep: 4096, backend: backend), "\(backend)")
            XCTAssertThrowsError(try inflate(Array(z.dropLast(6)), inStep: 4096, outStep: 4096, backend: backend), "\(backend): cut")
        }
    }
}
