import XCTest
@testable import PrepCore

/// JSONReader follows Python's json.loads (expected values written from its documented behaviour).
final class JSONReaderTests: XCTestCase {
    func testValuesAndOrder() throws {
        let v = try JSONReader.parse(#" {"b": 1, "a": [1.5, -0.0, 1e5, null, true, false], "b": "x\u00e9\ud83d\ude00\n"} "#)
        XCTAssertEqual(v, .object([("b", .string("xé😀\n")),
                                   ("a", .array([.double(1.5), .double(-0.0), .double(1e5), .null, .bool(true), .bool(false)]))]))
        XCTAssertEqual(try JSONReader.parse("12"), .int(12))
        XCTAssertEqual(try JSONReader.parse("-Infinity"), .double(-.infinity))
    }

    func testRepeatedKeysInSmallAndLargeObjects() throws {
        // json.loads: a repeated key keeps its first place and takes the last value.
        XCTAssertEqual(try JSONReader.parse(#"{"a": 1, "b": 2, "a": 3}"#), .object([("a", .int(3)), ("b", .int(2))]))
        let keys = (0..<5000).map { "\"k\($0)\": \($0)" }.joined(separator: ", ")
        let big = try JSONReader.parse("{" + keys + #", "k7": "again", "k4999": null}"#)
        guard case let .object(pairs) = big else { return XCTFail() }
        XCTAssertEqual(pairs.count, 5000)
        XCTAssertEqual(pairs[7].0, "k7")
        XCTAssertEqual(pairs[7].1, .string("again"))
        XCTAssertEqual(pairs[4999].1, .null)
    }

    func testErrorsSayWhere() {
        XCTAssertThrowsError(try JSONReader.parse(#"{"a": 1"#)) { XCTAssertEqual(($0 as? JSONReader.Failure)?.offset, 7) }
        XCTAssertThrowsError(try JSONReader.parse("{} x"))
        XCTAssertThrowsError(try JSONReader.parse("\"a\tb\""))
        XCTAssertThrowsError(try JSONReader.parse(#""\ud800""#))
        XCTAssertThrowsError(try JSONReader.parse("01"))
    }

    func testRoundTripWithPyJSON() throws {
        let s = #"{"filename": "a b.jpg", "text": "say \"hi\" \\ café\u2028"}"#
        XCTAssertEqual(PyJSON(ensureASCII: false).string(try JSONReader.parse(s)),
                       "{\"filename\": \"a b.jpg\", \"text\": \"say \\\"hi\\\" \\\\ café\u{2028}\"}")
    }
}
