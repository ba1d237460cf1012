import Foundation
import XCTest
import PrepCore
@testable import PrepFormats

/// The loader and parsers against golden records made by MMOCR 0.6.3's own backend and parsers
/// (scripts/loader_golden.py via scripts/make_lmdb_fixtures.py): same records, and an error
/// wherever the reference raises.
final class AnnFileLoaderTests: XCTestCase {
    private func records(_ source: String, _ parser: AnnParser) throws -> [String] {
        let loader = try AnnFileLoader(url: LMDBFixtures.url(source), parser: parser)
        return (0..<loader.count).map { i in
            do { return PyJSON(ensureASCII: false).string(try loader.item(at: i)) } catch { return #"{"error": "Exception"}"# }
        }
    }

    private func golden(_ name: String) throws -> [String] {
        let text = try String(contentsOf: LMDBFixtures.url("loader/\(name).golden.jsonl"), encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }

    func testLineStrParserMatchesReference() throws {
        XCTAssertEqual(try records("loader/labels.txt", LineStrParser()), try golden("loader_labels_txt-line_str"))
    }

    func testLineJsonParserMatchesReference() throws {
        XCTAssertEqual(try records("loader/labels.jsonl", LineJsonParser()), try golden("loader_labels_jsonl-line_json"))
        XCTAssertEqual(try records("loader/labels.jsonl", LineJsonParser(keys: ["filename"])),
                       try golden("loader_labels_jsonl-line_json-filename"))
    }

    func testLMDBBackendsMatchReference() throws {
        XCTAssertEqual(try records("rec-toy/imgs.lmdb", LineJsonParser()), try golden("rec-toy_imgs_lmdb-line_json"))
        XCTAssertEqual(try records("rec-toy/label.lmdb", LineJsonParser()), try golden("rec-toy_label_lmdb-line_json"))
        XCTAssertEqual(try records("deprecated.lmdb", LineJsonParser(keys: ["filename"])),
                       try golden("deprecated_lmdb-line_json-filename"))
    }

    func testDeprecatedLinesAsTheReferenceBuildsThem() throws {
        let backend = try LMDBAnnFile(url: LMDBFixtures.url("deprecated.lmdb"))
        XCTAssertEqual(backend.reader.layout, .deprecated)
        XCTAssertEqual(backend.count, 4)
        XCTAssertEqual(try backend.line(at: 1), #"{"filename": "b.jpg", "text": "WORLD"}"#)
        XCTAssertEqual(try backend.line(at: 2), #"{"filename": "c.jpg", "height": "32", "width": "100", "annotations": "[1,2]"}"#)
    }

    func testRestInLastKeyKeepsSpaces() throws {
        let p = try LineStrParser(restInLastKey: true)
        XCTAssertEqual(try p.parse("img.jpg two  words "), .object([("filename", .string("img.jpg")), ("text", .string("two  words"))]))
        let tab = try LineStrParser(separator: "\t", restInLastKey: true)
        XCTAssertEqual(try tab.parse("a/b.png\tNew York\t"), .object([("filename", .string("a/b.png")), ("text", .string("New York"))]))
        XCTAssertThrowsError(try LineStrParser(keysIdx: [0, -1], restInLastKey: true))
        XCTAssertThrowsError(try p.parse("   ")) { XCTAssertEqual(($0 as? AnnParseError)?.reason, "blank line") }
    }

    func testKeysIdxAndStripOptions() throws {
        let p = try LineStrParser(keys: ["text", "filename"], keysIdx: [-1, 0], separator: ",", strip: true, stripChars: "#")
        XCTAssertEqual(try p.parse("##x.jpg,1,TEXT#"), .object([("text", .string("TEXT")), ("filename", .string("x.jpg"))]))
        XCTAssertThrowsError(try LineStrParser(keys: ["a"], keysIdx: [0, 1]))
        XCTAssertThrowsError(try LineStrParser(separator: ""))
        XCTAssertThrowsError(try LineJsonParser(keys: []))
    }

    func testRepeatOversamplesCyclically() throws {
        let loader = try AnnFileLoader(url: LMDBFixtures.url("rec-toy/label.txt"), parser: LineStrParser(), repeat: 2.5)
        XCTAssertEqual(loader.count, 25)
        XCTAssertEqual(try loader.item(at: 13), try loader.item(at: 3))
        XCTAssertEqual(try loader.item(at: 19)["text"], .string("DAVIDSON"))
        XCTAssertEqual(try loader.item(at: 24)["text"], .string("03/09/2009"))
        XCTAssertThrowsError(try AnnFileLoader(url: LMDBFixtures.url("rec-toy/label.txt"), parser: LineStrParser(), repeat: 0))
    }

    func testLMDBRefusesLineStrParser() throws {
        XCTAssertThrowsError(try AnnFileLoader(url: LMDBFixtures.url("rec-toy/label.lmdb"), parser: LineStrParser()))
    }

    func testTextFileIndexKeepsBlankLinesAndDropsBOM() throws {
        let dir = try LMDBFixtures.tempDir(self)
        let url = dir.appendingPathComponent("l.txt")
        try Data([0xEF, 0xBB, 0xBF] + Array("a.jpg A\r\n\rb.jpg B\nc.jpg C".utf8)).write(to: url)
        let file = try TextLineFile(url: url)
        XCTAssertEqual(file.count, 4)
        XCTAssertEqual(try (0..<4).map { try file.line(at: $0) }, ["a.jpg A", "", "b.jpg B", "c.jpg C"])
        XCTAssertEqual(file.location(of: 2), "\(url.path):3")
    }

    func testNonUTF8LineNamesLineAndByte() throws {
        let file = try TextLineFile(url: LMDBFixtures.url("messy/label.txt"))
        XCTAssertThrowsError(try file.line(at: 7)) { error in
            XCTAssertEqual(error as? PrepError, .input(file: LMDBFixtures.url("messy/label.txt").path, line: 8,
                                                       reason: "not valid UTF-8 at byte 16 of the line (0xFF)"))
        }
    }

    func testParseErrorsNameTheLine() throws {
        let loader = try AnnFileLoader(url: LMDBFixtures.url("loader/labels.txt"), parser: LineStrParser())
        XCTAssertThrowsError(try loader.item(at: 8)) { error in
            XCTAssertEqual(String(describing: error), "\(LMDBFixtures.url("loader/labels.txt").path):9: blank line")
        }
    }
}
