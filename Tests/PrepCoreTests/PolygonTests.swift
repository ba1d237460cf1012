import XCTest
@testable import PrepCore

final class PolygonTests: XCTestCase {
    func testAreaIsShapelyArea() {
        // Values printed by Shapely 1.8.5 Polygon(...).area for the same rings.
        XCTAssertEqual(Polygon.area([377, 117, 463, 117, 465, 130, 378, 130]), 1124.5)
        XCTAssertEqual(Polygon.area([240, 291, 273, 291, 273, 298, 240, 297]), 214.5)
        XCTAssertEqual(Polygon.area([10.5, 10, 50.25, 10, 50, 30, 10, 30]), 797.5)
        // Clockwise and counter-clockwise give the same absolute area.
        XCTAssertEqual(Polygon.area([0, 0, 0, 10, 10, 10, 10, 0]), 100)
        // A bow-tie is not repaired: its signed halves cancel, as in GEOS.
        XCTAssertEqual(Polygon.area([0, 0, 10, 10, 10, 0, 0, 10]), 0)
        XCTAssertEqual(Polygon.area([1, 2, 3, 4]), 0)
    }

    func testBoxes() {
        let p: [Double] = [913, 515, 1068, 526, 1081, 595, 921, 578]
        XCTAssertEqual(Polygon.xywh(p), [913, 515, 168, 80])
        XCTAssertEqual(Polygon.xyxy(p), [913, 515, 1081, 595])
        XCTAssertEqual(Polygon.clamped([-5, 3, 70, 50], width: 64, height: 48), [0, 3, 64, 48])
        XCTAssertEqual(Polygon.rectangle(x: 1, y: 2, w: 3, h: 4), [1, 2, 4, 2, 4, 6, 1, 6])
    }

    func testDefects() {
        XCTAssertNil(Polygon.defect([0, 0, 1, 0, 1, 1]))
        XCTAssertEqual(Polygon.defect([0, 0, 1, 0, 1]), "odd number of coordinates (5)")
        XCTAssertEqual(Polygon.defect([0, 0, 1, 0]), "fewer than 3 points (2)")
        XCTAssertEqual(Polygon.defect([0, 0, 1, .nan, 1, 1]), "non-finite coordinate")
    }
}
