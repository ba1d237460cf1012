import Foundation
import XCTest
import PrepCore
@testable import PrepConverters

/// Integers written as text that no coordinate can be (issue 19; the first found by the fuzz
/// pass: a BID line `2, 9223372036854775807, …` overflowed `y + h`): every txt and XML converter
/// reads them through `CheckedInt.parse`, so they are an error naming file, line and field.
final class HugeIntegerTests: XCTestCase {
    func reason(_ body: () throws -> Void) -> String {
        do { try body(); return "accepted" } catch { return String(describing: error) }
    }

    func testBoxTxtAndICDARRefuseHugeIntegers() throws {
        let bid = try BoxTxtConverter(options: ConverterOptions(["box": "xywh"]))
        XCTAssertEqual(reason { _ = try bid.parseLine("2, 9223372036854775807, 30, 12, x", file: "gt.txt", number: 3) },
                       "gt.txt:3: coordinate 2 = 9.223372036854776e+18 is not a number prep can use as an integer (it must be finite and below 2^31 in magnitude)")
        let ltrb = try BoxTxtConverter(options: ConverterOptions())
        XCTAssertTrue(reason { _ = try ltrb.parseLine("0, 0, 99999999999999999999999, 5, x", file: "gt.txt", number: 1) }.contains("coordinate 3 = 1e+23"))
        XCTAssertTrue(reason { _ = try ltrb.parseLine("0, 0, 2147483648, 5, x", file: "gt.txt", number: 1) }.contains("coordinate 3 = 2147483648.0"))
        XCTAssertEqual(reason { _ = try ltrb.parseLine("0, 0, 2147483647, 5, x", file: "gt.txt", number: 1) }, "accepted")
        let icdar = try ICDARTxtConverter(options: ConverterOptions())
        XCTAssertTrue(reason { _ = try icdar.parseLine("1,2,3,4,5,6,-9223372036854775808,8,word", file: "gt.txt", number: 2) }
            .contains("gt.txt:2: coordinate 7 = -9.223372036854776e+18"))
    }
}

/// More finds of the long fuzz run (issue 19), each a crash before its fix.
final class FuzzFindingsTests: XCTestCase {
    func testPyNumberFallsBackToAFloatInsteadOfOverflowing() {
        XCTAssertEqual(PyNumber.times(.int(Int.max), .int(2)), .double(Double(Int.max) * 2))
        XCTAssertEqual(PyNumber.minus(.int(Int.min), .int(1)), .double(Double(Int.min) - 1))
        XCTAssertEqual(PyNumber.times(.int(6), .int(7)), .int(42))
    }

    func testMJSynthLinesNeverReachFoundationPathCode() {
        let p = LabelLineParser(format: .mjsynth)
        for line in ["./2697/6/466_MONIKER_49537.jpg 49537", "/", "//", "./", "_a_", "\u{FEFF}/x_y_z.jpg 1", "a/b/..//_W_1.jpg 1"] {
            _ = p.parse(line)   // must not trap
        }
        guard case let .success(r) = p.parse("./2697/6/466_MONIKER_49537.jpg 49537") else { return XCTFail("parse") }
        XCTAssertEqual(r.name, "2697/6/466_MONIKER_49537.jpg")
        XCTAssertEqual(r.text, "MONIKER")
        XCTAssertEqual(PathText.deletingExtension("a.b/c"), "a.b/c")
        XCTAssertEqual(PathText.deletingExtension("d/x.tar.gz"), "d/x.tar")
        XCTAssertEqual(PathText.lastComponent("a/b/"), "b")
    }
}
