import Foundation
import XCTest
@testable import PrepCore

/// `Pixels.resized` against OpenCV 4.10's cv2.resize (INTER_LINEAR) on regions of a real photo
/// (fixtures/images/resize, made by fixtures/tools/make_resize_golden.py).
final class ResizeTests: XCTestCase {
    func testMatchesOpenCVResize() throws {
        let dir = TestData.fixture("images/resize")
        for name in ["up_37x11", "up_50x20", "down_300x80", "half_200x64", "mixed_160x20", "strip_90x1"] {
            let src = try ImageCodec.decode(file: dir.appendingPathComponent("\(name)_src.png"))
            let expected = try ImageCodec.decode(file: dir.appendingPathComponent("\(name)_100x32.png"))
            let got = src.resized(width: 100, height: 32)
            XCTAssertEqual([got.width, got.height, got.channels], [100, 32, 3], name)
            let diffs = zip(got.data, expected.data).map { abs(Int($0) - Int($1)) }
            XCTAssertEqual(diffs.max(), 0, "\(name): \(diffs.filter { $0 > 0 }.count) of \(diffs.count) values differ")
        }
    }
}
