import XCTest
@testable import PrepEval

/// The buffer(0) model against what Shapely printed for the same rings (Shapely 1.8.5/GEOS 3.10
/// and 2.0.4/GEOS 3.11 agree on all of them: `Polygon(points).buffer(0).area`).
final class PolygonGeometryTests: XCTestCase {
    func area(_ flat: [Double], _ repair: EvalPolygon.Repair = .buffer0) -> Double { EvalPolygon(flat: flat, repair: repair).area }

    func testBufferZeroKeepsTheLobesWoundLikeTheRing() {
        XCTAssertEqual(area([0, 0, 10, 10, 10, 0, 0, 10]), 25, accuracy: 1e-12)                  // bow-tie
        XCTAssertEqual(area([0, 0, 10, 10, 10, 0, 0, 20]), 66.666666666666667, accuracy: 1e-9)    // uneven bow-tie
        XCTAssertEqual(area([0, 0, 10, 20, 10, 0, 0, 10]), 66.666666666666667, accuracy: 1e-9)
        XCTAssertEqual(area([0, 0, 10, 0, 20, 0, 5, 0]), 0)                                         // zero area
        XCTAssertEqual(area([0, 0, 10, 0, 10, 10, 12, 12, 10, 10, 0, 10]), 100, accuracy: 1e-12)  // spike
        XCTAssertEqual(area([0, 0, 10, 0, 10, 10, 5, 10, 5, -5, 8, -5, 8, 5, 0, 5]), 90, accuracy: 1e-12) // loop
        XCTAssertEqual(area([0, 0, 10, 30, 20, 0, -5, 20, 25, 20]), 305.964912, accuracy: 1e-6)  // pentagram
        XCTAssertEqual(EvalPolygon(flat: [0, 0, 10, 30, 20, 0, -5, 20, 25, 20], repair: .buffer0).rawArea, 400, accuracy: 1e-12)
    }

    func testMMOCR1TakesTheConvexHullOfSeveralPieces() {
        // Two squares touching at (10, 10): Shapely's buffer(0) is a MultiPolygon (area 200),
        // its convex hull has area 300.
        let twoLobes: [Double] = [0, 0, 10, 0, 10, 10, 20, 10, 20, 20, 10, 20, 10, 10, 0, 10]
        let v0 = EvalPolygon(flat: twoLobes, repair: .buffer0), v1 = EvalPolygon(flat: twoLobes, repair: .buffer0ConvexHull)
        XCTAssertTrue(v0.wasRepaired)
        XCTAssertFalse(v0.usedConvexHull)
        XCTAssertTrue(v1.usedConvexHull)
        XCTAssertEqual(v0.area, 200, accuracy: 1e-12)
        XCTAssertEqual(v1.area, 300, accuracy: 1e-12)
        // Joined by a zero-width bridge: MultiPolygon of area 200, hull 500.
        let bridged: [Double] = [0, 0, 10, 0, 10, 10, 20, 20, 30, 20, 30, 30, 20, 30, 20, 20, 10, 10, 0, 10]
        XCTAssertEqual(EvalPolygon(flat: bridged, repair: .buffer0).area, 200, accuracy: 1e-12)
        XCTAssertEqual(EvalPolygon(flat: bridged, repair: .buffer0ConvexHull).area, 500, accuracy: 1e-12)
        // Crossing itself twice but one piece (Shapely: Polygon, area 900): no hull.
        XCTAssertFalse(EvalPolygon(flat: [0, 0, 30, 0, 30, 30, 60, 30, 60, 0, 40, 0, 40, 30, 0, 30], repair: .buffer0ConvexHull).usedConvexHull)
        XCTAssertFalse(EvalPolygon(flat: [0, 0, 10, 10, 10, 0, 0, 10], repair: .buffer0ConvexHull).usedConvexHull)
    }

    func testIntersectionIsSymmetricAndExactOnSharedEdges() {
        let a = EvalPolygon(flat: [0, 0, 10, 0, 10, 10, 0, 10], repair: .buffer0)
        let b = EvalPolygon(flat: [5, 0, 15, 0, 15, 10, 5, 10], repair: .buffer0)
        let c = EvalPolygon(flat: [10, 0, 20, 0, 20, 10, 10, 10], repair: .buffer0)
        XCTAssertEqual(a.intersectionArea(b), 50)
        XCTAssertEqual(b.intersectionArea(a), 50)
        XCTAssertEqual(a.intersectionArea(c), 0)
        XCTAssertEqual(a.iou(a), 1)
        let cw = EvalPolygon(flat: [0, 10, 10, 10, 10, 0, 0, 0], repair: .buffer0)
        XCTAssertEqual(cw.intersectionArea(b), 50)
    }

    func testSequenceMatcherIsRatcliffObershelpNotLCS() {
        // difflib: 'abcd' vs 'bcda' → blocks 'bcd' = 3; LCS would also be 3, but 'aab' vs 'aba'
        // gives 2 in difflib ('ab'), as SequenceMatcher(None,'aab','aba') says.
        XCTAssertEqual(SequenceMatcher.matchingCount(Array("abcd"), Array("bcda")), 3)
        XCTAssertEqual(SequenceMatcher.matchingCount(Array("aab"), Array("aba")), 2)
        XCTAssertEqual(SequenceMatcher.matchingCount(Array(""), Array("a")), 0)
    }

    func testFourDecimalRoundingIsPythonFormat() {
        XCTAssertEqual(MetricRounding.round4(0.12345), 0.1235)   // 0.12345 is 0.123450000000000004174…
        XCTAssertEqual(MetricRounding.round4(2.0 / 3.0), 0.6667)
        XCTAssertEqual(MetricRounding.round4(0.00005), 0.0001)
    }
}
