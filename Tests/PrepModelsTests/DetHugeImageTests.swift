import XCTest
import PrepCore
@testable import PrepModels

/// Huge pages at detection inference (issue 15, bad input): above the decoding bound a page is
/// decoded reduced — JPEG by DCT scaling, PNG shrunk at once — never below the network's input
/// size, with a notice, and the network input barely changes. The "huge" page is a synthetic
/// 2400×1600 image made here against a bound of 1 MP (the real bound, 40 MP, would make the
/// test slow); nothing is committed.
final class DetHugeImageTests: XCTestCase {
    /// White page, a black rectangle over [800, 1600) × [400, 1200).
    func page() -> Pixels {
        let w = 2400, h = 1600
        var data = [UInt8](repeating: 255, count: w * h * 3)
        for y in 400..<1200 { for x in 800..<1600 { for c in 0..<3 { data[(y * w + x) * 3 + c] = 0 } } }
        return Pixels(width: w, height: h, channels: 3, order: .bgr, data: data)
    }

    func testJPEGAboveTheBoundIsDecodedAtHalfByDCTScaling() throws {
        let jpeg = try ImageCodec.encodeJPEG(page(), quality: 90)
        let d = try ImageCodec.decode(jpeg, name: "huge.jpg", maxPixels: 1_000_000) { _, _ in (768, 512) }
        XCTAssertEqual(d.factor, 2)  // 1/4 would be 600×400, below the 768×512 input
        XCTAssertEqual([d.pixels.width, d.pixels.height, d.storedWidth, d.storedHeight], [1200, 800, 2400, 1600])
        XCTAssertTrue(d.notice?.contains("decoded at 1/2 (1200×800) by JPEG DCT scaling") == true, d.notice ?? "nil")
        XCTAssertTrue(d.notice?.contains("2400×1600 (3.8 MP) is above the 1.0 MP decoding bound") == true, d.notice ?? "nil")
        XCTAssertLessThan(d.pixels.data[(400 * 1200 + 600) * 3], 30)   // inside the rectangle
        XCTAssertGreaterThan(d.pixels.data[(100 * 1200 + 100) * 3], 225)  // outside
        // Below the bound: the plain decode, no notice.
        let full = try ImageCodec.decode(jpeg, name: "huge.jpg", maxPixels: 4_000_000) { _, _ in (768, 512) }
        XCTAssertEqual(full.factor, 1)
        XCTAssertNil(full.notice)
        XCTAssertEqual(full.pixels, try ImageCodec.decode(jpeg, name: "huge.jpg"))
        // A small network input allows 1/8.
        XCTAssertEqual(try ImageCodec.decode(jpeg, name: "huge.jpg", maxPixels: 1_000_000) { _, _ in (300, 200) }.factor, 8)
    }

    func testPNGAboveTheBoundIsShrunkAtOnce() throws {
        let png = try ImageCodec.encodePNG(page())
        let d = try ImageCodec.decode(png, name: "huge.png", maxPixels: 1_000_000) { _, _ in (768, 512) }
        XCTAssertEqual([d.factor, d.pixels.width, d.pixels.height], [2, 1200, 800])
        XCTAssertTrue(d.notice?.contains("shrunk at once to 1/2") == true, d.notice ?? "nil")
        // Far above the bound, a format without DCT scaling is refused with the reason.
        XCTAssertThrowsError(try ImageCodec.decode(png, name: "huge.png", maxPixels: 200_000) { _, _ in (768, 512) }) { e in
            XCTAssertTrue("\(e)".contains("only JPEG can"), "\(e)")
        }
    }

    func testDetectorInputFromAReducedDecodeKeepsTheStoredSize() throws {
        let dir = try RecogTestData.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("huge.jpg")
        try Data(try ImageCodec.encodeJPEG(page(), quality: 90)).write(to: url)
        let p = DetPage(name: "huge.jpg", url: url, polygons: [], ignored: [], location: url.path)
        let reduced = DetPredictor.prepare(p, scale: (1024, 512), maxPixels: 1_000_000)
        let full = DetPredictor.prepare(p, scale: (1024, 512))
        XCTAssertNil(reduced.failure)
        XCTAssertNotNil(reduced.notice)
        XCTAssertNil(full.notice)
        // Same page size (detections are scaled back to it), same network input size.
        XCTAssertEqual([reduced.width, reduced.height, reduced.resizedWidth, reduced.resizedHeight, reduced.paddedWidth, reduced.paddedHeight],
                       [2400, 1600, 768, 512, 768, 512])
        XCTAssertEqual([full.width, full.height, full.resizedWidth, full.resizedHeight], [2400, 1600, 768, 512])
        XCTAssertEqual(reduced.image.count, full.image.count)
        // The inputs differ only by resampling at the rectangle's edges.
        let meanDiff = zip(reduced.image, full.image).reduce(0.0) { $0 + Double(abs($1.0 - $1.1)) } / Double(full.image.count)
        XCTAssertLessThan(meanDiff, 0.02)
    }
}
