import Foundation

/// The one conversion from a number read from input (JSON, MAT, attributes) to `Int`.
///
/// `Int(someDouble)` traps on NaN, ±infinity and anything outside ±2⁶³, and input files hold all
/// of them (`1e300`, `Infinity`, `-3.4e39`, `9223372036854775808`): one bad coordinate would
/// take the whole run down. Every conversion of input data goes through here instead, and a
/// value that is not finite or whose magnitude reaches `limit` becomes an `OutOfRange` error that
/// names where it was read (`path`, e.g. `anns[7].bbox[2]`); callers add the file.
///
/// The limit is 2³¹: no image side or coordinate comes near it (PNG's own limit), and the sum or
/// product of two checked values (`x + w`, `area = w · h`) cannot overflow `Int`.
public enum CheckedInt {
    /// 2³¹: the first magnitude refused.
    public static let limit = 2_147_483_648.0

    /// A number that cannot be an integer, and where it was.
    public struct OutOfRange: Error, CustomStringConvertible, Equatable {
        public var value: Double
        public var path: String
        public var description: String {
            let shown = value.isNaN ? "NaN" : value.isInfinite ? (value < 0 ? "-Infinity" : "Infinity") : "\(value)"
            return "\(path) = \(shown) is not a number prep can use as an integer (it must be finite and below 2^31 in magnitude)"
        }
    }

    /// `d` rounded by `rule` (toward zero, as Python's `int()`, by default), or `OutOfRange`.
    public static func make(_ d: Double, _ rule: FloatingPointRoundingRule = .towardZero, path: @autoclosure () -> String) throws -> Int {
        guard d.isFinite, abs(d) < limit else { throw OutOfRange(value: d, path: path()) }
        return Int(d.rounded(rule))
    }

    /// An integer written as text (a coordinate of a txt or XML annotation): nil when `token` is
    /// not an integer, an input error at `file`:`line` naming `path` when it is one at or beyond
    /// the limit (including one too long for `Int`), so sums like `x + w` cannot overflow.
    public static func parse<S: StringProtocol>(_ token: S, path: @autoclosure () -> String, file: String, line: Int?) throws -> Int? {
        let value: Double
        if let v = Int(token) {
            guard Double(v).magnitude >= limit else { return v }
            value = Double(v)
        } else {
            let digits = token.drop { $0 == "-" || $0 == "+" }
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let d = Double(token) else { return nil }
            value = d
        }
        throw PrepError.input(file: file, line: line, reason: OutOfRange(value: value, path: path()).description)
    }

    /// A JSON number (ints as they are, floats rounded by `rule`); nil for any other value.
    public static func make(_ v: JSONValue?, _ rule: FloatingPointRoundingRule = .towardZero, path: @autoclosure () -> String) throws -> Int? {
        switch v {
        case let .int(i)?: return i
        case let .double(d)?: return try make(d, rule, path: path())
        default: return nil
        }
    }
}
