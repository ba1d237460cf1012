import Foundation
import XCTest
import PrepCore
import PrepFormats
@testable import PrepPipeline

final class SplitJobTests: XCTestCase {
    func testSplitMix64MatchesThePublishedSequence() {
        // SplitMix64 (Steele, Lea, Flood 2014) from seed 0.
        var g = SeededShuffle(seed: 0)
        XCTAssertEqual(g.next(), 0xE220A8397B1DCDAF)
        XCTAssertEqual(g.next(), 0x6E789E6AA1B965F4)
        XCTAssertEqual(g.next(), 0x06C45D188009454F)
    }

    func testCountsUseLargestRemainders() {
        XCTAssertEqual(SplitJob.counts([0.8, 0.1, 0.1], total: 10), [8, 1, 1])
        XCTAssertEqual(SplitJob.counts([0.8, 0.1, 0.1], total: 7), [5, 1, 1])
        XCTAssertEqual(SplitJob.counts([0.5, 0.5], total: 3), [2, 1])
        XCTAssertEqual(SplitJob.counts([0.34, 0.33, 0.33], total: 0), [0, 0, 0])
        for n in 0..<50 { XCTAssertEqual(SplitJob.counts([0.7, 0.2, 0.1], total: n).reduce(0, +), n) }
    }

    func testRatiosAreParsedAndNormalised() throws {
        let r = try SplitJob.parseRatios("train=8, val=1,test=1")
        XCTAssertEqual(r.map(\.name), ["train", "val", "test"])
        XCTAssertEqual(r.map(\.ratio), [0.8, 0.1, 0.1])
        XCTAssertThrowsError(try SplitJob.parseRatios("train=0.8"))
        XCTAssertThrowsError(try SplitJob.parseRatios("train=a,val=1"))
        XCTAssertThrowsError(try SplitJob.parseRatios("train=1,train=1"))
    }

    func testCropsBelongToTheirPage() {
        let loc = RecordLocation(file: "x")
        XCTAssertEqual(SplitJob.pageKey(.recognition("crops/test/img_12_3.png", text: "a", location: loc), kind: .recognition), "crops/test/img_12")
        XCTAssertEqual(SplitJob.pageKey(.recognition("word_1.png", text: "a", location: loc), kind: .recognition), "word")
        XCTAssertEqual(SplitJob.pageKey(.recognition("plain.png", text: "a", location: loc), kind: .recognition), "plain")
        XCTAssertEqual(SplitJob.pageKey(AnnotationRecord(imagePath: "test/img_1.jpg", instances: [], location: loc), kind: .detection), "test/img_1.jpg")
    }
}
