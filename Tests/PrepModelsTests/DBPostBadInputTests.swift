import XCTest
@testable import PrepModels

/// Bad input to DBNet's target generation and post-processing: skipped with a reason, masked out,
/// deterministic, never a crash or a NaN.
final class DBPostBadInputTests: XCTestCase {
    func testDegeneratePolygonsAreSkippedAndMasked() {
        let polys: [[Double]] = [
            [2, 2, 30, 2],                                  // 2 points
            [5, 5, .nan, 6, 20, 20],                        // NaN coordinate
            [5, 5, 40, 30, 40, 5, 5, 30],                   // bow-tie
            [3, 3, 3, 3, 3, 3],                             // zero area
            [1e30, 0, 1e30, 10, -1e30, 10],                 // absurd coordinates
            [],                                             // empty
            [10, 40, 50, 40, 50, 60, 10, 60],               // a good one
        ]
        let (t, skipped) = DBTargetGenerator().make(height: 64, width: 64, polygons: polys, ignored: [])
        XCTAssertEqual(skipped.map(\.index), [0, 1, 2, 3, 4, 5])
        XCTAssertTrue(skipped[2].reason.contains("self-intersecting"), skipped[2].reason)
        for s in skipped { XCTAssertFalse(s.reason.isEmpty) }
        // the bow-tie is masked out of the probability mask; the good polygon is learnt
        XCTAssertEqual(t.probMask[20 * 64 + 10], 0)
        XCTAssertEqual(t.probMap[50 * 64 + 30], 1)
        XCTAssertFalse(t.threshMap.contains { !$0.isFinite })
        XCTAssertEqual(t.threshMap.min(), 0.3)
        XCTAssertLessThanOrEqual(t.threshMap.max()!, 0.7 + 1e-6)   // 1 · 0.4f + 0.3f in float32, as MMOCR
    }

    func testEmptyAndOffCanvasInputs() {
        let (t0, s0) = DBTargetGenerator().make(height: 0, width: 0, polygons: [[1, 1, 20, 1, 20, 20, 1, 20]], ignored: [true])
        XCTAssertTrue(t0.probMap.isEmpty); XCTAssertTrue(s0.isEmpty)
        // wholly outside the canvas: nothing drawn, nothing crashes
        let (t1, _) = DBTargetGenerator().make(height: 32, width: 32, polygons: [[100, 100, 140, 100, 140, 130, 100, 130],
                                                                               [-90, -90, -50, -90, -50, -60, -90, -60]],
                                               ignored: [false, false])
        XCTAssertEqual(t1.probMap.reduce(0, +), 0)
        XCTAssertFalse(t1.threshMap.contains { !$0.isFinite })
    }

    func testNaNAndEmptyProbabilityMaps() {
        let post = DBPostprocessor()
        XCTAssertEqual(post.process(prob: [], height: 0, width: 0, scaleX: 1, scaleY: 1), [])
        XCTAssertEqual(post.process(prob: [0.5], height: 10, width: 10, scaleX: 1, scaleY: 1), [])   // too short
        XCTAssertEqual(post.process(prob: [Float](repeating: .nan, count: 400), height: 20, width: 20, scaleX: 1, scaleY: 1), [])
        // a block of text with NaN holes: NaN is background, and counted as 0 in the score
        var m = [Float](repeating: 0, count: 40 * 60)
        for y in 10..<30 { for x in 5..<55 { m[y * 60 + x] = 0.9 } }
        m[20 * 60 + 30] = .nan
        let a = post.process(prob: m, height: 40, width: 60, scaleX: 2, scaleY: 0.5)
        let b = post.process(prob: m, height: 40, width: 60, scaleX: 2, scaleY: 0.5)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.count, 1)
        XCTAssertTrue(a.allSatisfy { $0.score.isFinite && $0.polygon.allSatisfy(\.isFinite) })
    }

    func testMaxCandidatesCapsContours() {
        // 12 separate dots; maxCandidates 4 processes contours 0…4 as MMOCR (`i > max` breaks)
        var m = [Float](repeating: 0, count: 40 * 80)
        for k in 0..<12 { let x0 = 2 + 6 * k; for y in 10..<20 { for x in x0..<(x0 + 4) { m[y * 80 + x] = 0.9 } } }
        let all = DBPostprocessor(textRepr: .poly, minTextWidth: 0).process(prob: m, height: 40, width: 80, scaleX: 1, scaleY: 1)
        let capped = DBPostprocessor(textRepr: .poly, minTextWidth: 0, maxCandidates: 4).process(prob: m, height: 40, width: 80, scaleX: 1, scaleY: 1)
        XCTAssertEqual(all.count, 12)
        XCTAssertEqual(capped.count, 5)
    }
}
