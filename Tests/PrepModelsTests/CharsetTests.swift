import XCTest
import PrepCore
@testable import PrepModels

final class CharsetTests: XCTestCase {
    func testBuiltInDictionariesHaveMMOCRsSizesAndBlankFirst() {
        XCTAssertEqual(Charset.dict36.characters.count, 36)
        XCTAssertEqual(Charset.dict36.classCount, 37)  // decoder.decoder.1.embedding rows
        XCTAssertEqual(Charset.dict90.characters.count, 90)
        XCTAssertFalse(Charset.dict90.characters.contains("^"))
        XCTAssertFalse(Charset.dict90.characters.contains("|"))
        // 0.x CTCConvertor: class 0 = <BLK>, then '0'…'9', 'a'…
        XCTAssertEqual(Charset.dict36.encode("a0"), .classes([11, 1]))
        XCTAssertEqual(Charset.dict36.decode([0, 11, 1, 0]), "a0")
    }

    func testDict36LowerCasesLabelsAsCTCConvertor() {
        XCTAssertEqual(Charset.dict36.encode("HoTeL"), Charset.dict36.encode("hotel"))
        XCTAssertEqual(Charset.dict90.encode("A"), .classes([37]))
    }

    func testUnknownCharactersAreNamedNotDropped() {
        XCTAssertEqual(Charset.dict36.encode("03/09/2009"), .unknown(["/"]))
        XCTAssertEqual(Charset.dict36.encode("a b\tc"), .unknown([" ", "\t"]))
        XCTAssertEqual(Charset.describe("\t"), "U+0009")
        XCTAssertEqual(Charset.describe("é"), "'é'")
    }

    func testDictionaryFileParsing() throws {
        let c = try Charset.parse(dictionaryFile: "\u{FEFF}a\r\nb\n\n \né\n", source: "d.txt")
        XCTAssertEqual(c.characters, ["a", "b", " ", "é"])
        XCTAssertEqual(try Charset.parse(dictionaryFile: c.dictionaryFile, source: "again"), c)
        XCTAssertThrowsError(try Charset.parse(dictionaryFile: "a\nbc\n", source: "d.txt")) { e in
            XCTAssertEqual("\(e)", "d.txt:2: expected one character per line, found 2 (\"bc\")")
        }
        XCTAssertThrowsError(try Charset.parse(dictionaryFile: "a\nb\na\n", source: "d.txt")) { e in
            XCTAssertTrue("\(e)".contains("d.txt:3: character 'a' is listed twice"), "\(e)")
        }
        XCTAssertThrowsError(try Charset.parse(dictionaryFile: "\n\n", source: "d.txt"))
    }

    func testLoadNamesAMissingFile() {
        XCTAssertEqual(try Charset.load("dict90"), Charset.dict90)
        XCTAssertThrowsError(try Charset.load("/nonexistent/dict.txt")) { e in
            XCTAssertTrue("\(e)".contains("no such dictionary file"), "\(e)")
        }
    }

    func testCharsetFromLabelsIsSortedAndOrderIndependent() throws {
        let a = try Charset.fromLabels(["ba", "c"]), b = try Charset.fromLabels(["c", "ab"])
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.characters, ["a", "b", "c"])
    }

    func testLabelSetSkipsUnknownEmptyAndTooLongLabels() {
        let items = [("ok", "abc"), ("slash", "a/b"), ("empty", ""), ("long", "abcdefghij"), ("repeats", "aaaa")]
        let source = ListRecogSource(origin: "t", items: items.map { RecogItem(name: $0.0, text: $0.1, location: "t:\($0.0)") }) { _ in [] }
        // T = 6: "abcdefghij" needs 10 steps, "aaaa" needs 4 + 3 blanks = 7.
        let set = RecogLabelSet(source: source, charset: .dict36, sequenceLength: 6)
        XCTAssertEqual(set.entries.map(\.index), [0])
        XCTAssertEqual(set.skipped.map(\.name), ["slash", "empty", "long", "repeats"])
        XCTAssertEqual(set.skipped[0].reason, "character outside the dictionary: '/'")
        XCTAssertTrue(set.skipped[2].reason.hasPrefix("label of 10 characters needs 10 time steps; the model has 6"))
        XCTAssertEqual(RecogLabelSet.stepsNeeded([1, 1, 2, 2, 2]), 8)
    }
}
