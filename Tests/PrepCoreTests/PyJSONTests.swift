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

    /// `appendDouble` writes bytes directly (one path for every double); the bytes equal the
    /// String-building repr it replaced, on every kind of double: integral, positional, both
    /// exponent ranges, subnormals, random bit patterns.
    func testByteWriterEqualsTheStringRepr() {
        var rng = SplitMix64(seed: 19)
        var doubles = [0.0, -0.0, 1e-4, 9.999e-5, 1e-5, 0.1, 1e15, 1e16, 9.999999999999998e15, 5e-324, -1.5e-300,
                       1.7976931348623157e308, 0.30000000000000004, 605.3300170898438, -214.5, 123.456e10, 2.5e15]
        for _ in 0..<20000 {
            let r = rng.next()
            doubles.append(Double(bitPattern: r))
            doubles.append(Double(Int64(bitPattern: r) >> Int(r % 60)) / [3, 7, 1e3, 1e-3, 1e8][Int(r % 5)])
        }
        for d in doubles where d.isFinite {
            XCTAssertEqual(PyJSON.pythonRepr(d), Self.stringRepr(d), "\(d)")
        }
        var out: [UInt8] = []
        for d in [Double.nan, .infinity, -.infinity] { PyJSON.appendDouble(d, to: &out); out.append(0x20) }
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "NaN Infinity -Infinity ")
    }

    /// Halves below 1e15 (a polygon's area with integer corners) are written as `m.5` without
    /// Swift's description; the bytes are the reference repr's, both signs, up to the limit.
    func testHalvesEqualTheStringRepr() {
        var rng = SplitMix64(seed: 23)
        var halves = [0.5, -0.5, 1.5, -1.5, 9999.5, 10000.5, 1e15 - 0.5, -(1e15 - 0.5), 999999999999.5, 1e15 + 0.5, 2.25, -0.25]
        for _ in 0..<5000 {
            let r = rng.next()
            halves.append((Double(Int64(bitPattern: r) >> Int(r % 63)) + 0.5) * (r & 1 == 0 ? 1 : -1))
        }
        for d in halves {
            XCTAssertEqual(PyJSON.pythonRepr(d), Self.stringRepr(d), "\(d)")
        }
    }

    /// The String-building repr `PyJSON` used before its byte writer (kept here as the reference).
    static func stringRepr(_ d: Double) -> String {
        // Integral values below 1e15 (coordinates, most areas): digits plus ".0".
        if d.rounded(.towardZero) == d, abs(d) < 1e15, d != 0 || d.sign == .plus {
            return String(Int64(d)) + ".0"
        }
        // Swift's description uses the same shortest round-trip digits; only the switch to
        // exponent notation and its spelling can differ, so rebuild from the digits.
        let s = "\(d)"
        var mantissa = s
        var exp = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(s[..<e])
            exp = Int(s[s.index(after: e)...])!
        }
        var negative = false
        if mantissa.hasPrefix("-") { negative = true; mantissa.removeFirst() }
        var intPart = mantissa, fracPart = ""
        if let dot = mantissa.firstIndex(of: ".") {
            intPart = String(mantissa[..<dot])
            fracPart = String(mantissa[mantissa.index(after: dot)...])
        }
        // digits and decimal exponent: value = 0.d1d2d3... × 10^pointPos
        var digits = intPart + fracPart
        var pointPos = intPart.count + exp
        while digits.hasPrefix("0") && digits.count > 1 { digits.removeFirst(); pointPos -= 1 }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        if digits == "0" { return negative ? "-0.0" : "0.0" }
        let sign = negative ? "-" : ""
        let decExp = pointPos - 1  // exponent in d.ddd × 10^decExp
        if decExp < -4 || decExp >= 16 {
            var m = String(digits.first!)
            if digits.count > 1 { m += "." + digits.dropFirst() }
            let es = decExp < 0 ? "-" : "+"
            let ev = abs(decExp)
            return sign + m + "e" + es + (ev < 10 ? "0" : "") + String(ev)
        }
        if pointPos <= 0 {
            return sign + "0." + String(repeating: "0", count: -pointPos) + digits
        }
        if pointPos >= digits.count {
            return sign + digits + String(repeating: "0", count: pointPos - digits.count) + ".0"
        }
        let idx = digits.index(digits.startIndex, offsetBy: pointPos)
        return sign + digits[..<idx] + "." + digits[idx...]
    }
}
