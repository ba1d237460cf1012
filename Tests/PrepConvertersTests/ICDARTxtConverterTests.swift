import XCTest
import PrepCore
@testable import PrepConverters

final class ICDARTxtConverterTests: XCTestCase {
    let ic15 = try! ICDARTxtConverter(options: ConverterOptions(["script_field": "false"]))
    let ic17 = try! ICDARTxtConverter(options: ConverterOptions(["script_field": "true"]))

    func testICDAR2015Line() throws {
        let i = try ic15.parseLine("377,117,463,117,465,130,378,130,Genaxis Theatre", file: "gt.txt", number: 1)
        XCTAssertEqual(i.polygon, [377, 117, 463, 117, 465, 130, 378, 130])
        XCTAssertTrue(i.integerCoordinates)
        XCTAssertEqual(i.text, "Genaxis Theatre")
        XCTAssertFalse(i.ignore)
        XCTAssertTrue(try ic15.parseLine("1,2,3,4,5,6,7,8,###", file: "gt.txt", number: 1).ignore)
    }

    func testCommasStayInTheTranscription() throws {
        let i = try ic15.parseLine("1,2,30,2,30,12,1,12,\"Hello, world\", again", file: "gt.txt", number: 3)
        XCTAssertEqual(i.text, "\"Hello, world\", again")
        let j = try ic17.parseLine("5,20,40,20,40,35,5,35,Latin,\"a,b,c\"", file: "gt.txt", number: 1)
        XCTAssertEqual(j.text, "\"a,b,c\"")
        XCTAssertEqual(j.attributes["script"], .string("Latin"))
    }

    func testICDAR2017IgnoreIsTheTranscriptionField() throws {
        XCTAssertTrue(try ic17.parseLine("41,20,70,20,70,38,41,38,None,###", file: "g", number: 1).ignore)
        XCTAssertFalse(try ic17.parseLine("41,20,70,20,70,38,41,38,###,text", file: "g", number: 1).ignore)
    }

    func testFloatsAndSpacesAroundNumbers() throws {
        let i = try ic15.parseLine(" 10.5, 10 ,50.25,10,50,30,10,30,float", file: "g", number: 2)
        XCTAssertEqual(i.polygon, [10.5, 10, 50.25, 10, 50, 30, 10, 30])
        XCTAssertFalse(i.integerCoordinates)
    }

    func testMalformedLinesNameFileAndLine() {
        XCTAssertThrowsError(try ic15.parseLine("10,10,5O,10,50,30,10,30,bad", file: "gt_img_6.txt", number: 2)) {
            XCTAssertEqual("\($0)", "gt_img_6.txt:2: coordinate 3 is not a number: '5O'")
        }
        XCTAssertThrowsError(try ic15.parseLine("10,10,50,10,50,30,short", file: "g.txt", number: 1)) {
            XCTAssertEqual("\($0)", "g.txt:1: expected 8 coordinates and a transcription separated by commas, found 7 fields")
        }
        XCTAssertThrowsError(try ic17.parseLine("1,2,3,4,5,6,7,8,Latin", file: "g.txt", number: 4)) {
            XCTAssertTrue("\($0)".contains("a script and a transcription"))
        }
    }

    func testWholeFileWithBOMCRLFAndBlankLines() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gt-\(UUID().uuidString).txt")
        try Data([0xEF, 0xBB, 0xBF] + Array("\r\n1,2,3,2,3,4,1,4,a\r\n\r\n   \r\n5,6,7,6,7,8,5,8,###\r\n".utf8)).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let instances = try ic15.parse(annotation: url)
        XCTAssertEqual(instances.map(\.text), ["a", "###"])
        XCTAssertEqual(instances.map(\.ignore), [false, true])
    }

    func testRegistryKnowsTheConverter() throws {
        XCTAssertNotNil(ConverterRegistry.perImage["icdar-txt"])
        XCTAssertThrowsError(try ICDARTxtConverter(options: ConverterOptions(["encoding": "utf-16"])))
    }
}
