import XCTest
@testable import PrepEval

/// Spotting follows 1.x `E2EHmeanIOUMetric`'s `text_match` (hand-checked against its source;
/// the metric lives in MMOCR's `projects/ABCNet`, not in the wheel, so no golden run).
final class SpottingMetricTests: XCTestCase {
    func up(_ s: String) -> [Unicode.Scalar] { SpottingMetric.upper(s) }

    func testTextMatchDropsOneSpecialCharacterAtEitherEndOfTheGT() {
        XCTAssertTrue(SpottingMetric.textMatch(gt: up("Hello!"), pred: up("hello")))
        XCTAssertTrue(SpottingMetric.textMatch(gt: up("(ab)"), pred: up("AB")))
        XCTAssertTrue(SpottingMetric.textMatch(gt: up("straße"), pred: up("STRASSE")))
        XCTAssertFalse(SpottingMetric.textMatch(gt: up("hello"), pred: up("hello!")))
        XCTAssertFalse(SpottingMetric.textMatch(gt: up("!!ab"), pred: up("ab")))
        // The reference raises IndexError on an empty GT text; here it is an ordinary comparison.
        XCTAssertTrue(SpottingMetric.textMatch(gt: up(""), pred: up("")))
        XCTAssertFalse(SpottingMetric.textMatch(gt: up(""), pred: up("a")))
    }

    func testGreedyPairsTakeBothSidesAndTextsStayAlignedAtEveryThreshold() {
        let q: [Double] = [0, 0, 100, 0, 100, 20, 0, 20]
        let q2: [Double] = [0, 50, 100, 50, 100, 70, 0, 70]
        // Pred 0 (low score) is dropped from 0.4 on; the reference would then read pred 1's text
        // at the wrong index from the third threshold on.
        let s = DetectionSample(gtPolygons: [q, q2], gtIgnored: [false, false],
                                predPolygons: [q, q2, q], predScores: [0.35, 0.95, 0.95],
                                gtTexts: ["Stop", "Go"], predTexts: ["nope", "go", "STOP"])
        let r = SpottingMetric().evaluate([s])
        // 0.3: GT0 takes pred 0 (wrong text, still taken), GT1 takes pred 1 → 1 hit of 3 preds.
        XCTAssertEqual(r.rows[0].hitRecall, 1)
        XCTAssertEqual(r.rows[0].predCount, 3)
        // 0.4 … 0.9: GT0 takes pred 2 ("STOP"), GT1 pred 1 → 2 hits of 2 preds at every threshold.
        for row in r.rows.dropFirst() { XCTAssertEqual(row.hitRecall, 2); XCTAssertEqual(row.predCount, 2) }
        XCTAssertEqual(r.best.hmean, 1)
    }
}

/// Where the references assert, prep counts and reports (README, differences).
final class DegeneratePolygonTests: XCTestCase {
    func testPolygonsBelowTheMinimumCountButCannotMatch() {
        let box: [Double] = [0, 0, 10, 0, 10, 10, 0, 10]
        let triangle: [Double] = [0, 0, 10, 0, 10, 10]
        let s = DetectionSample(gtPolygons: [box, triangle], gtIgnored: [false, false],
                                predPolygons: [box, triangle], predScores: [0.9, 0.9])
        // 0.6.3 needs 4 points: the triangles are a GT that cannot be found and a wrong prediction.
        let r0 = HmeanIoU(protocol: .mmocr0).evaluate([s])
        XCTAssertEqual(r0.best.recall, 0.5); XCTAssertEqual(r0.best.precision, 0.5)
        XCTAssertEqual(r0.tooFewPoints, 2)
        // 1.x accepts triangles: both pairs match.
        let r1 = HmeanIoU(protocol: .mmocr1).evaluate([s])
        XCTAssertEqual(r1.best.hmean, 1); XCTAssertEqual(r1.tooFewPoints, 0)
    }
}
