import Foundation
import XCTest
@testable import PrepCore

/// `crop_img` and `warp_img` against the reference: fixtures/images/warp_expected.json holds what
/// MMOCR 0.6.3's functions (OpenCV 4.10) return for boxes on a toy image (size + CRC-32 of the
/// pixels), written by fixtures/tools/make_golden.py.
final class CropGeometryTests: XCTestCase {
    struct Case: Decodable { var box: [Double]; var width: Int; var height: Int; var crc: UInt32; var crop_img: [UInt32] }
    struct Golden: Decodable { var image: String; var cases: [Case] }

    func golden() throws -> (Golden, Pixels) {
        let data = try Data(contentsOf: ImageCodecTests.fixtures.appendingPathComponent("images/warp_expected.json"))
        let g = try JSONDecoder().decode(Golden.self, from: data)
        let px = try ImageCodec.decode(file: ImageCodecTests.fixtures.appendingPathComponent(g.image))
        return (g, px)
    }

    func testCropImgWorkedExample() {
        // §1.4: box (10,10)-(50,20), default ratios → font 10, hpad 4, vpad 2 → [8:22, 6:54].
        let r = CropRect.cropImg([10, 10, 50, 10, 50, 20, 10, 20], width: 100, height: 100)
        XCTAssertEqual(r, CropRect(x0: 6, y0: 8, x1: 54, y1: 22))
        // Zero padding: max column/row excluded; clipped to [0, w]; outside → empty.
        XCTAssertEqual(CropRect.cropImg([10, 10, 50, 10, 50, 20, 10, 20], width: 100, height: 100, longPad: 0, shortPad: 0),
                       CropRect(x0: 10, y0: 10, x1: 50, y1: 20))
        XCTAssertTrue(CropRect.cropImg([110, 10, 150, 10, 150, 20, 110, 20], width: 100, height: 100, longPad: 0, shortPad: 0).isEmpty)
        // Negative padded edge: int() truncates toward zero, then clips.
        XCTAssertEqual(CropRect.cropImg([0.5, 0.5, 10.5, 0.5, 10.5, 3.5, 0.5, 3.5], width: 100, height: 100).x0, 0)
    }

    /// The JSON converters' direct numpy slices (§1.6), worked by hand from numpy's rules.
    func testDirectSlices() {
        // COCO-Text: x, y = max(0, floor(x)), max(0, floor(y)); w, h = ceil; src[y:y + h, x:x + w].
        XCTAssertEqual(CropRect.xywhSlice(x: 10.7, y: 5.2, w: 20.1, h: 9.0, width: 100, height: 50),
                       CropRect(x0: 10, y0: 5, x1: 31, y1: 14))
        XCTAssertEqual(CropRect.xywhSlice(x: -3.5, y: -1, w: 10, h: 10, width: 100, height: 50),
                       CropRect(x0: 0, y0: 0, x1: 10, y1: 10))  // clamped before the end is computed
        XCTAssertEqual(CropRect.xywhSlice(x: 95, y: 45, w: 10, h: 10, width: 100, height: 50),
                       CropRect(x0: 95, y0: 45, x1: 100, y1: 50))  // numpy clips the end
        XCTAssertTrue(CropRect.xywhSlice(x: 120, y: 10, w: 10, h: 10, width: 100, height: 50).isEmpty)
        // LSVT: polygon clamped to the image, [min y : max y, min x : max x].
        XCTAssertEqual(CropRect.boundsSlice([-5, 3, 40, 3, 40, 70, -5, 70], width: 100, height: 50),
                       CropRect(x0: 0, y0: 3, x1: 40, y1: 50))
    }

    func testCropImgDefaultPadsMatchReference() throws {
        let (g, px) = try golden()
        for c in g.cases {
            let r = CropRect.cropImg(c.box, width: px.width, height: px.height)
            XCTAssertEqual([UInt32(r.width), UInt32(r.height)], Array(c.crop_img.prefix(2)), "crop_img \(c.box)")
            if !r.isEmpty {
                XCTAssertEqual(CRC32.of(px.cropped(x0: r.x0, y0: r.y0, x1: r.x1, y1: r.y1).data), c.crop_img[2], "crop_img \(c.box)")
            }
        }
    }

    func testWarpMatchesReferencePixels() throws {
        let (g, px) = try golden()
        var compared = 0
        for c in g.cases {
            switch PerspectiveWarp.plan(c.box, width: px.width, height: px.height) {
            case let .success(w):
                XCTAssertEqual([w.outWidth, w.outHeight], [c.width, c.height], "warp size \(c.box)")
                let out = w.apply(to: px, originX: 0, originY: 0, imageWidth: px.width, imageHeight: px.height)
                XCTAssertEqual(CRC32.of(out.data), c.crc, "warp pixels \(c.box)")
                // From only the source rectangle (what the crop engine decodes): same pixels.
                let r = w.sourceRect
                let part = w.apply(to: px.cropped(x0: r.x0, y0: r.y0, x1: r.x1, y1: r.y1), originX: r.x0, originY: r.y0,
                                   imageWidth: px.width, imageHeight: px.height)
                XCTAssertEqual(part, out, "warp from the source rectangle \(c.box)")
                compared += 1
            case let .failure(why):
                // The reference returns the whole source image here: prep skips with a reason.
                XCTAssertEqual([c.width, c.height], [px.width, px.height], "\(c.box): \(why)")
            }
        }
        XCTAssertGreaterThan(compared, 15)
    }

    func testMinAreaRectForCurvedText() throws {
        // An axis-aligned 10-point "curve" inside [0,100]x[0,20]: its rectangle is the bounds.
        let poly: [Double] = [0, 0, 25, 2, 50, 0, 75, 2, 100, 0, 100, 20, 75, 18, 50, 20, 25, 18, 0, 20]
        let c = try XCTUnwrap(MinAreaRect.corners(poly))
        let b = Polygon.bounds(c)
        XCTAssertEqual(b.minX, 0, accuracy: 1e-9); XCTAssertEqual(b.maxX, 100, accuracy: 1e-9)
        XCTAssertEqual(b.minY, 0, accuracy: 1e-9); XCTAssertEqual(b.maxY, 20, accuracy: 1e-9)
        // A 45°-rotated rectangle given with extra points on its edges.
        let r: [Double] = [50, 0, 75, 25, 100, 50, 90, 60, 80, 70, 30, 20]
        let area = Polygon.area(try XCTUnwrap(MinAreaRect.corners(r)))
        XCTAssertEqual(area, Polygon.area([50, 0, 100, 50, 80, 70, 30, 20]), accuracy: 1e-6)
        XCTAssertNil(MinAreaRect.corners([0, 0, 10, 10, 20, 20]))  // collinear
        guard case let .success(w) = PerspectiveWarp.plan(poly, width: 200, height: 100) else { return XCTFail() }
        XCTAssertEqual([w.outWidth, w.outHeight], [100, 20])
    }

    /// Coordinates no integer holds (NaN, ±∞, 1e300) give a rectangle or a failure, never a trap.
    func testNonFiniteAndHugeCoordinatesDoNotTrap() {
        for bad in [Double.nan, .infinity, -.infinity, 1e300, -1e300] {
            let r = CropRect.cropImg([10, 10, bad, 10, 50, 20, 10, 20], width: 100, height: 100)
            XCTAssertTrue(r.x0 >= 0 && r.x1 <= 100 && r.y0 >= 0 && r.y1 <= 100, "\(bad): \(r)")
            let s = CropRect.xywhSlice(x: bad, y: 5, w: bad, h: 9, width: 100, height: 50)
            XCTAssertTrue(s.x0 >= 0 && s.x1 <= 100 && s.y0 >= 0 && s.y1 <= 50, "\(bad): \(s)")
            // A finite coordinate is clamped to the image (a warp may be planned); NaN or ∞ is refused.
            if case .success = PerspectiveWarp.plan([10, 10, bad, 10, 50, 20, 10, 20], width: 100, height: 100), !bad.isFinite {
                XCTFail("\(bad): a warp of a non-finite quadrilateral")
            }
        }
        // Huge but finite: the same rectangle as the image's edge gives.
        XCTAssertEqual(CropRect.xywhSlice(x: 10, y: 5, w: 1e300, h: 9, width: 100, height: 50),
                       CropRect.xywhSlice(x: 10, y: 5, w: 1000, h: 9, width: 100, height: 50))
    }
}
