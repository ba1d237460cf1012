import Foundation
import XCTest
import PrepCore
@testable import PrepConverters

/// SynthText's number rules, hand-checked against numpy: det casts with `astype(np.int32)`
/// (truncation toward zero), recog with `max(round(v), 0)` (round half to even).
final class SynthTextConverterTests: XCTestCase {
    func boxes(_ values: [Double], _ dims: [Int]) -> MATArray {
        var a = MATArray(name: "", arrayClass: .double, dims: dims)
        a.numbers = values
        return a
    }

    /// One word "ab" with the quad `q` (x1, y1, …, x4, y4) and two character boxes.
    func entry(_ q: [Double], lines: [String] = ["ab"], chars: Int = 2) -> SynthTextEntry {
        SynthTextEntry(index: 7, name: "1/a.jpg", wordBB: boxes(q, [2, 4]),
                       charBB: boxes(Array((q + q).prefix(8 * chars)), chars == 1 ? [2, 4] : [2, 4, chars]), lines: lines)
    }

    func testDetTruncatesTowardZero() throws {
        let d = try SynthTextConverter.detInstances(entry([-0.5, -1.7, 2.5, 3.5, 10.9, 3.5, -2.2, 8.0]))
        XCTAssertEqual(d.count, 1)
        XCTAssertEqual(d[0].polygon, [0, -1, 2, 3, 10, 3, -2, 8])
        XCTAssertEqual(d[0].attributes["bbox"], .array([.double(-2), .double(-1), .double(12), .double(9)]))
        XCTAssertEqual(d[0].text, "ab")
    }

    func testRecogRoundsHalfToEvenAndClampsAtZero() throws {
        let w = try SynthTextConverter.recogWords(entry([-0.5, -1.7, 2.5, 3.5, 10.5, 3.49, 11.5, 8.0]))
        XCTAssertEqual(w.map(\.box), [[0, 0, 2, 4, 10, 3, 12, 8]])
        XCTAssertEqual(w[0].charBoxes.count, 2)
    }

    func testWordsAreSplitOnAnyWhitespaceLikePython() throws {
        let q = [0.0, 0, 4, 0, 4, 4, 0, 4]
        var e = entry(q + q, lines: ["a\tb  "], chars: 2)
        e.wordBB = boxes(q + q, [2, 4, 2])
        XCTAssertEqual(try SynthTextConverter.detInstances(e).map(\.text), ["a", "b"])
    }

    func testRefusals() {
        let q = [0.0, 0, 4, 0, 4, 4, 0, 4]
        XCTAssertThrowsError(try SynthTextConverter.detInstances(entry(q, lines: ["ab cd"]))) {
            XCTAssertEqual(($0 as? SynthTextConverter.Refusal)?.reason, "txt has 2 words but wordBB has 1 boxes")
        }
        XCTAssertThrowsError(try SynthTextConverter.recogWords(entry(q, chars: 1))) {
            XCTAssertEqual(($0 as? SynthTextConverter.Refusal)?.reason, "txt has 2 characters in words but charBB has 1 boxes")
        }
        XCTAssertThrowsError(try SynthTextConverter.detInstances(entry([.nan] + q.dropFirst()))) {
            XCTAssertTrue(($0 as? SynthTextConverter.Refusal)?.reason.contains("not a 32-bit integer") == true)
        }
        XCTAssertThrowsError(try SynthTextConverter.recogWords(entry(q, lines: [" "]))) {
            XCTAssertEqual(($0 as? SynthTextConverter.Refusal)?.reason, "txt has no words")
        }
    }
}
