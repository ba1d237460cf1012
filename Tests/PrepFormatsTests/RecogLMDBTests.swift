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
