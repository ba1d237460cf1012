import XCTest
@testable import PrepCore

final class LineReaderTests: XCTestCase {
    func write(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lines-\(UUID().uuidString).txt")
        try Data(bytes).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testBOMAndAllLineEnds() throws {
        let url = try write([0xEF, 0xBB, 0xBF] + Array("a\r\nb\rc\n\nd".utf8))
        let reader = try LineReader(url: url)
        let lines = Array(reader).map { String(decoding: $0.bytes, as: UTF8.self) }
        XCTAssertEqual(lines, ["a", "b", "c", "", "d"])
        XCTAssertTrue(reader.hadBOM)
    }

    func testCRLFSplitAcrossReads() throws {
        // A '\r' that ends one 1 MiB read and its '\n' that starts the next make one line end.
        var bytes = [UInt8](repeating: 0x61, count: (1 << 20) - 1) + [0x0D, 0x0A] + Array("z".utf8)
        bytes[0] = 0x62
        let lines = Array(try LineReader(url: write(bytes)))
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines[1].bytes, [0x7A])
        XCTAssertEqual(lines[1].offset, 1 << 20 + 1)
    }

    /// `ByteLines` cuts in-memory bytes as `LineReader` cuts the file: same numbers, same bytes
    /// (but for a lone `\r` ending the file, which `LineReader` keeps in the last line).
    func testByteLinesCutAsLineReader() throws {
        var rng = SplitMix64(seed: 5)
        let pieces: [[UInt8]] = [[0x61], [0x62, 0x63], [0x0D], [0x0A], [0x0D, 0x0A], [0x20], [0xEF, 0xBB, 0xBF], [0xC3, 0xA9]]
        for _ in 0..<500 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(rng.next() % 12) { bytes += pieces[Int(rng.next() % UInt64(pieces.count))] }
            var expected = Array(try LineReader(url: write(bytes))).map { ($0.number, $0.bytes) }
            if bytes.last == 0x0D, let last = expected.last, last.1.last == 0x0D { expected[expected.count - 1].1.removeLast() }
            let got = bytes.withUnsafeBufferPointer { buf in Array(ByteLines(buf)).map { ($0.number, Array(buf[$0.range])) } }
            XCTAssertEqual(got.map(\.0), expected.map(\.0), "\(bytes)")
            XCTAssertEqual(got.map(\.1), expected.map(\.1), "\(bytes)")
        }
    }

    func testInvalidUTF8NamesLineAndByte() throws {
        let url = try write(Array("ok\n".utf8) + [0x63, 0x61, 0x66, 0xE9, 0x0A])
        XCTAssertThrowsError(try LineReader.readAll(url)) { error in
            XCTAssertEqual("\(error)", "\(url.path):2: not valid UTF-8 at byte 4 of the line (0xE9)")
        }
        XCTAssertEqual(try LineReader.readAll(url, encoding: .latin1).map(\.text), ["ok", "café"])
    }
}

final class TextTrimTests: XCTestCase {
    /// Expected values are Python's str.strip() of the same strings.
    func testStripLikePython() {
        XCTAssertEqual(TextTrim.strip("  a b \t\r\n"), "a b")
        XCTAssertEqual(TextTrim.strip("\u{3000}中文\u{00A0}"), "中文")
        XCTAssertEqual(TextTrim.strip(" \u{1C}x\u{1F} "), "x")
        XCTAssertEqual(TextTrim.strip("   "), "")
        XCTAssertEqual(TextTrim.strip("é "), "é")
        XCTAssertEqual(TextTrim.strip(""), "")
    }
}
