import XCTest
@testable import PrepPipeline

final class SplitAssignerTests: XCTestCase {
    func indices(_ mask: [Bool]) -> [Int] { mask.enumerated().filter(\.element).map(\.offset) }

    func testPatternAEveryKth() throws {
        let a = try SplitAssigner(ratio: 0.25, pattern: .A)
        XCTAssertEqual(indices(a.validationMask(count: 10)), [0, 4, 8])
        XCTAssertEqual(indices(a.validationMask(count: 0)), [])
    }

    func testPatternBHead() throws {
        let b = try SplitAssigner(ratio: 0.2, pattern: .B)
        XCTAssertEqual(indices(b.validationMask(count: 11)), [0, 1])
        // n·R < 1: nothing to val (the reference moves everything to val and leaves train empty).
        XCTAssertEqual(indices(b.validationMask(count: 4)), [])
    }

    func testOtherRatiosGiveExactlyRoundedCountSpreadEvenly() throws {
        let s = try SplitAssigner(ratio: 0.3, pattern: .A)
        XCTAssertEqual(indices(s.validationMask(count: 10)), [1, 5, 8])
        XCTAssertEqual(indices(s.validationMask(count: 1000)).count, 300)
        let t = try SplitAssigner(ratio: 0.15, pattern: .B)
        XCTAssertEqual(indices(t.validationMask(count: 20)).count, 3)
    }

    func testSeededIsReproducibleAndExact() throws {
        let s = try SplitAssigner(ratio: 0.1, pattern: .A, seed: 42)
        let m = s.validationMask(count: 1000)
        XCTAssertEqual(m, try SplitAssigner(ratio: 0.1, pattern: .B, seed: 42).validationMask(count: 1000))
        XCTAssertEqual(indices(m).count, 100)
        XCTAssertNotEqual(m, try SplitAssigner(ratio: 0.1, pattern: .A, seed: 43).validationMask(count: 1000))
        XCTAssertNotEqual(indices(m), Array(stride(from: 0, to: 1000, by: 10)))
    }

    func testRatioOutsideTheOpenIntervalIsAUsageError() {
        for r in [0, 1, -0.5, 1.5, .nan] {
            XCTAssertThrowsError(try SplitAssigner(ratio: r, pattern: .A), "\(r)")
        }
    }
}
