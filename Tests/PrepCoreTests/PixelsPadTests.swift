import XCTest
@testable import PrepCore

/// `Pixels.padded`: PIL's crop of a box that runs past the right or bottom edge (OpenVINO).
final class PixelsPadTests: XCTestCase {
    func testPadsRightAndBottomWithBlack() {
        let p = Pixels(width: 2, height: 1, channels: 3, data: [1, 2, 3, 4, 5, 6])
        let q = p.padded(width: 3, height: 2)
        XCTAssertEqual(q.width, 3)
        XCTAssertEqual(q.height, 2)
        XCTAssertEqual(q.data, [1, 2, 3, 4, 5, 6, 0, 0, 0] + [UInt8](repeating: 0, count: 9))
        XCTAssertEqual(p.padded(width: 2, height: 1), p)
        XCTAssertEqual(p.padded(width: 1, height: 1).data, [1, 2, 3])
        XCTAssertEqual(Pixels(width: 0, height: 0, channels: 1, data: []).padded(width: 2, height: 1).data, [0, 0])
    }
}
