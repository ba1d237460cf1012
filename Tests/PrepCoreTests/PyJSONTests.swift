import XCTest
@testable import PrepCore

/// Expected strings are what CPython 3.11's `json.dumps` / `repr` print for the same values.
final class PyJSONTests: XCTestCase {
    func testFloatReprMatchesPython() {
        let cases: [(Double, String)] = [
            (695, "695.0"), (0.5, "0.5"), (-3, "-3.0"), (0, "0.0"), (-0.0, "-0.0"),
            (214.5, "214.5"), (0.1 + 0.2, "0.30000000000000004"), (1e-4, "0.0001"), (1e-5, "1e-05"),
            (1.5e-7, "1.5e-07"), (1e15, "1000000000000000.0"), (1e16, "1e+16"), (1.2345e17, "1.2345e+17"),
            (123456789.125, "123456789.125"), (605.3300170898438, "605.3300170898438"), (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"), (12345678901234567.0, "1.2345678901234568e+16"),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(PyJSON.pythonRepr(value), expected, "repr(\(value))")
        }
    }

    func testSeparatorsAndKeyOrder() {
        let v = JSONValue.object([("b", .int(1)), ("a", .array([.double(2), .string("x"), .null, .bool(true)]))])
        XCTAssertEqual(PyJSON().string(v), #"{"b": 1, "a": [2.0, "x", null, true]}"#)
    }

    func testEnsureASCIIEscapes() {
        let s = JSONValue.string("Café \"q\" \\ \n\t\u{7F}\u{01} 中 😀")
        XCTAssertEqual(PyJSON(ensureASCII: true).string(s), #""Caf\u00e9 \"q\" \\ \n\t\u007f\u0001 \u4e2d \ud83d\ude00""#)
        XCTAssertEqual(PyJSON(ensureASCII: false).string(s), "\"Café \\\"q\\\" \\\\ \\n\\t\u{7F}\\u0001 中 😀\"")
    }

    func testNumbersKeepIntegersWhereTheSourceHadThem() {
        XCTAssertEqual(PyJSON().string(.numbers([1, 2.5], integers: false)), "[1.0, 2.5]")
        XCTAssertEqual(PyJSON().string(.numbers([1, 2], integers: true)), "[1, 2]")
    }

    /// Integers and integral floats are written digit by digit now; the bytes are `String(i)`'s
    /// and `pythonRepr`'s.
    func testDirectNumbersEqualTheirStrings() {
        var rng = SplitMix64(seed: 7)
        var ints = [0, 1, -1, 9, 10, -10, 99, 100, 999, 1000, -999, -1000, 9999, 10000, -9999, -10000, Int.max, Int.min, Int.min + 1, 2_147_483_648]
        var doubles = [0.0, -0.0, 1, -1, 1e15 - 1, 1e15, -1e15 + 1, 1e16, 123456789012345, 0.5, -2.5, 1e-5]
        for _ in 0..<2000 {
            let r = rng.next()
            ints.append(Int(bitPattern: UInt(r)) >> Int(r % 63))
            doubles.append(Double(Int64(bitPattern: r) >> Int(r % 60)) / [1, 1, 2, 4, 10][Int(r % 5)])
        }
        for i in ints {
            var out: [UInt8] = []
            PyJSON.appendInt(i, to: &out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), String(i))
        }
        for d in doubles {
            var out: [UInt8] = []
            PyJSON.appendDouble(d, to: &out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), PyJSON.pythonRepr(d), "\(d)")
        }
    }
}
