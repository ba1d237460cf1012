import Foundation
import XCTest
import PrepCore
@testable import PrepFormats

final class RecogLMDBTests: XCTestCase {
    func testKeysArePaddedToNineDigits() {
        XCTAssertEqual(String(decoding: RecogLMDBKeys.image(1), as: UTF8.self), "image-000000001")
        XCTAssertEqual(String(decoding: RecogLMDBKeys.label(1234567890), as: UTF8.self), "label-1234567890")
    }

    /// The byte-level label-only value equals PyJSON's `json.dumps(..., ensure_ascii=False)`.
    func testLabelOnlyValueMatchesPyJSON() {
        for (name, text) in [("a.jpg", "GRAND"), ("d/é.png", "say \"hi\" \\ \u{1}\t\n\u{7F}"), ("x", "文字 😀\u{2028}"), ("", "")] {
            let expected = PyJSON(ensureASCII: false).string(.object([("filename", .string(name)), ("text", .string(text))]))
            XCTAssertEqual(String(decoding: RecogLMDBKeys.labelOnlyValue(filename: Array(name.utf8), text: Array(text.utf8)), as: UTF8.self),
                           expected)
        }
    }

    /// The map starts at 64 KiB here and must grow (doubling) to hold ~3 MB; the file stays
    /// close to its content's size.
    func testMapGrowsAsNeededAndFileStaysSmall() throws {
        let dir = try LMDBFixtures.tempDir(self).appendingPathComponent("grow.lmdb")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let writer = try RecogLMDBWriter(directory: dir, batchSize: 7, initialMapSize: 64 << 10)
        let image = [UInt8](repeating: 0xAB, count: 3000)
        for i in 1...1000 { try writer.append(image: image, label: Array("t\(i)".utf8)) }
        try writer.finish()
        XCTAssertGreaterThan(writer.environment.mapSize, 64 << 10)
        let size = try LMDBEnvironment.fileSize(dir.appendingPathComponent("data.mdb"))
        XCTAssertLessThan(size, 1000 * 4096 + 200 * 4096)
        let reader = try RecogLMDBReader(url: dir)
        XCTAssertEqual(reader.count, 1000)
        XCTAssertEqual(reader.layout, .images)
        XCTAssertEqual(try reader.image(at: 999), image)
        XCTAssertEqual(try reader.line(at: 999), #"{"filename": "image-000001000", "text": "t1000"}"#)
    }

    /// Every key and value of the database in key order.
    private func pairs(_ dir: URL) throws -> [([UInt8], [UInt8])] {
        try LMDBEnvironment(readingAt: dir).read { r in
            var out: [([UInt8], [UInt8])] = []
            try r.forEach { out.append(($0, $1)); return true }
            return out
        }
    }

    /// The writer appends in key order (images, then the spooled labels, then `num-samples`):
    /// the same keys and values as putting each sample's pair in turn, in fewer pages, and no
    /// spool file left beside the database. A label-only start followed by images (keys out of
    /// order) falls back to plain puts and still numbers every label right.
    func testKeysAreAppendedInOrderWithFullPages() throws {
        let base = try LMDBFixtures.tempDir(self)
        let appended = base.appendingPathComponent("appended.lmdb"), put = base.appendingPathComponent("put.lmdb")
        for d in [appended, put] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        let writer = try RecogLMDBWriter(directory: appended, batchSize: 100)
        let plain = try LMDBEnvironment(buildingAt: put)
        var batch: [(key: [UInt8], value: [UInt8])] = []
        for i in 1...3000 {
            let image = [UInt8](repeating: UInt8(i % 251), count: 40 + i % 60), label = Array("word \(i) é".utf8)
            try writer.append(image: image, label: label)
            batch += [(RecogLMDBKeys.image(i), image), (RecogLMDBKeys.label(i), label)]
            if i % 100 == 0 { try plain.write(batch); batch = [] }
        }
        try plain.write(batch + [(Array(RecogLMDBKeys.numSamples.utf8), Array("3000".utf8))])
        try writer.finish()
        try plain.finish()
        let a = try pairs(appended), p = try pairs(put)
        XCTAssertEqual(a.count, 6001)
        XCTAssertTrue(a.elementsEqual(p, by: { $0.0 == $1.0 && $0.1 == $1.1 }), "keys or values differ")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: appended.path).sorted(), ["data.mdb", "lock.mdb"])
        let sizes = try [appended, put].map { try LMDBEnvironment.fileSize($0.appendingPathComponent("data.mdb")) }
        XCTAssertLessThan(Double(sizes[0]), 0.8 * Double(sizes[1]), "append mode should fill the pages (\(sizes))")

        let mixed = base.appendingPathComponent("mixed.lmdb")
        try FileManager.default.createDirectory(at: mixed, withIntermediateDirectories: true)
        let w = try RecogLMDBWriter(directory: mixed, batchSize: 2)
        for i in 1...5 { try w.append(image: i > 2 ? [UInt8(i)] : nil, label: [UInt8(0x60 + i)]) }
        try w.finish()
        let m = try pairs(mixed)
        XCTAssertEqual(m.map { String(decoding: $0.0, as: UTF8.self) },
                       (3...5).map { "image-00000000\($0)" } + (1...5).map { "label-00000000\($0)" } + ["num-samples"])
        XCTAssertEqual(m.map(\.1), (3...5).map { [UInt8($0)] } + (1...5).map { [UInt8(0x60 + $0)] } + [Array("5".utf8)])
    }

    /// Spooled labels that fill more than the spool's 1 MiB buffer (records and their length
    /// headers straddle its refills) come back whole and in order, an empty label too.
    func testSpooledLabelsBeyondTheSpoolBuffer() throws {
        let dir = try LMDBFixtures.tempDir(self).appendingPathComponent("long.lmdb")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let writer = try RecogLMDBWriter(directory: dir, batchSize: 64)
        func label(_ i: Int) -> [UInt8] { i == 7 ? [] : (0..<(4099 + i % 13)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) } }
        for i in 1...400 { try writer.append(image: [UInt8(i % 256)], label: label(i)) }
        try writer.finish()
        let p = try pairs(dir)
        XCTAssertEqual(p.count, 801)
        for i in 1...400 {
            XCTAssertEqual(p[400 + i - 1].0, RecogLMDBKeys.label(i))
            XCTAssertEqual(p[400 + i - 1].1, label(i), "label \(i)")
        }
    }

    func testDamagedDatabasesGiveClearErrors() throws {
        func message(_ path: String) -> String {
            do { _ = try RecogLMDBReader(url: LMDBFixtures.url(path)); return "opened" } catch { return String(describing: error) }
        }
        XCTAssertTrue(message("damaged/cut.lmdb").contains("damaged LMDB: the file is cut short"), message("damaged/cut.lmdb"))
        XCTAssertTrue(message("damaged/garbage.lmdb").contains("not an LMDB database"), message("damaged/garbage.lmdb"))
        XCTAssertTrue(message("damaged/nocount.lmdb").contains("neither 'num-samples' nor"), message("damaged/nocount.lmdb"))
        XCTAssertTrue(message("no-such.lmdb").contains("no such LMDB"), message("no-such.lmdb"))
        let missing = try RecogLMDBReader(url: LMDBFixtures.url("damaged/missingkey.lmdb"))
        XCTAssertEqual(missing.count, 3)
        XCTAssertThrowsError(try missing.line(at: 1)) {
            XCTAssertTrue(String(describing: $0).contains("missing key 'label-000000002'"))
        }
    }

    /// broken.lmdb (made by the reference) is a sound database holding a cut JPEG: it opens, and
    /// the image is found to be truncated.
    func testReferenceBrokenLMDBHoldsATruncatedImage() throws {
        let reader = try RecogLMDBReader(url: LMDBFixtures.url("rec-toy/broken.lmdb"))
        XCTAssertEqual(reader.count, 1)
        XCTAssertEqual(try reader.line(at: 0), #"{"filename": "image-000000001", "text": "broken"}"#)
        XCTAssertThrowsError(try ImageCodec.decode(reader.image(at: 0), name: "image-000000001", gray: true))
    }
}
