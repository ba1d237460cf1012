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
