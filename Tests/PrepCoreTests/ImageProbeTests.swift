import XCTest
@testable import PrepCore

final class ImageProbeTests: XCTestCase {
    func testRealJPEGs() throws {
        let info = try ImageProbe.probe(TestData.fixture("icdar2015-toy/imgs/test/img_1.jpg"))
        XCTAssertEqual(info.format, .jpeg)
        XCTAssertEqual(info.width, 1280)
        XCTAssertEqual(info.height, 720)
        XCTAssertEqual(info.channels, 3)
        XCTAssertEqual(info.exifOrientation, 1)
    }

    func testEXIFOrientationBothByteOrders() throws {
        let be = try ImageProbe.probe(TestData.fixture("icdar2015-quirks/imgs/training/img_3.jpg"))
        XCTAssertEqual([be.width, be.height, be.exifOrientation], [64, 48, 6])
        let le = try ImageProbe.probe(TestData.fixture("icdar2015-quirks/imgs/training/img_4.jpg"))
        XCTAssertEqual([le.width, le.height, le.exifOrientation], [40, 30, 8])
        let ref = ImageRef(url: URL(fileURLWithPath: "/x"), name: "x", width: 64, height: 48, format: .jpeg, exifOrientation: 6)
        XCTAssertEqual(ref.size(under: .ignore).width, 64)
        XCTAssertEqual(ref.size(under: .apply).width, 48)
    }

    func testPNG() throws {
        let info = try ImageProbe.probe(TestData.fixture("icdar2015-quirks/imgs/training/img_2.png"))
        XCTAssertEqual([info.width, info.height, info.channels], [80, 60, 3])
        XCTAssertEqual(info.format, .png)
    }

    func testGIFBMPWebPHeaders() throws {
        let gif: [UInt8] = Array("GIF89a".utf8) + [0x20, 0x01, 0x10, 0x00] + [UInt8](repeating: 0, count: 10) + [0x3B]
        let g = try ImageProbe.probe(bytes: gif, name: "a.gif")
        XCTAssertEqual([g.width, g.height], [288, 16])

        var bmp = [UInt8](repeating: 0, count: 54)
        bmp[0] = 0x42; bmp[1] = 0x4D; bmp[14] = 40
        bmp[18] = 100; bmp[22] = 0xCE; bmp[23] = 0xFF; bmp[24] = 0xFF; bmp[25] = 0xFF  // height -50 (top-down)
        bmp[28] = 24
        let b = try ImageProbe.probe(bytes: bmp, name: "a.bmp")
        XCTAssertEqual([b.width, b.height, b.channels], [100, 50, 3])

        var webp: [UInt8] = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8 ".utf8) + [0, 0, 0, 0]
        webp += [0, 0, 0, 0x9D, 0x01, 0x2A, 0x90, 0x01, 0x2C, 0x01] + [UInt8](repeating: 0, count: 10)
        let w = try ImageProbe.probe(bytes: webp, name: "a.webp")
        XCTAssertEqual([w.width, w.height], [400, 300])
    }

    func testBadFilesAreClearErrors() throws {
        func reason(_ path: String) -> String {
            do { _ = try ImageProbe.probe(TestData.fixture(path)); return "no error" } catch { return "\(error)" }
        }
        XCTAssertTrue(reason("icdar2015-quirks/imgs/training/img_12.jpg").hasSuffix("empty file (0 bytes)"))
        XCTAssertTrue(reason("icdar2015-quirks/imgs/training/img_13.jpg").contains("unknown image format (first bytes 3C 68 74 6D"))
        XCTAssertTrue(reason("icdar2015-quirks/imgs/training/img_14.jpg").contains("JPEG header cut short"))
        XCTAssertTrue(reason("icdar2015-quirks/imgs/training/img_5.jpg").contains("truncated"))
        XCTAssertTrue(reason("icdar2015-quirks/imgs/training/missing.jpg").hasSuffix("missing image"))
        // The cut file still has a readable header when completeness is not asked for.
        let cut = try ImageProbe.probe(TestData.fixture("icdar2015-quirks/imgs/training/img_5.jpg"), checkComplete: false)
        XCTAssertEqual([cut.width, cut.height], [200, 150])
        XCTAssertThrowsError(try ImageProbe.probe(bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0], name: "cut.png"))
    }

    /// The end marker is looked for in the last 512 bytes, then in the last 4 KiB: padding after
    /// it up to 4 KiB is a complete file, more is a cut one, as with one 4 KiB look.
    func testEndMarkerSearchedInTheLastFourKiB() throws {
        let jpeg = try Data(contentsOf: TestData.fixture("icdar2015-toy/imgs/test/img_1.jpg"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("probe-tail-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func probe(padding: Int) throws -> String {
            let url = dir.appendingPathComponent("p\(padding).jpg")
            try (jpeg + Data(repeating: 0, count: padding)).write(to: url)
            do { _ = try ImageProbe.probe(url); return "complete" } catch { return "\(error)" }
        }
        for padding in [0, 100, 510, 511, 1000, 4094] { XCTAssertEqual(try probe(padding: padding), "complete", "padding \(padding)") }
        for padding in [4095, 5000] { XCTAssertTrue(try probe(padding: padding).contains("truncated"), "padding \(padding)") }
        // A PNG's IEND chunk likewise, and a file shorter than the first look.
        let png = try Data(contentsOf: TestData.fixture("icdar2015-quirks/imgs/training/img_2.png"))
        let url = dir.appendingPathComponent("p.png")
        try (png + Data(repeating: 0, count: 2000)).write(to: url)
        XCTAssertEqual(try ImageProbe.probe(url).width, 80)
        try (png + Data(repeating: 0, count: 4090)).write(to: url)
        XCTAssertThrowsError(try ImageProbe.probe(url))
    }

    func testUpstreamEXIFPhotoWhenPresent() throws {
        let url = TestData.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/upstream-samples/images/exif_orientation6.jpg")
        try XCTSkipUnless(FileManager.default.fileExists(atPath: url.path), "../shared not beside the repository")
        let info = try ImageProbe.probe(url)
        XCTAssertEqual([info.width, info.height, info.exifOrientation], [2448, 3264, 6])
    }
}
