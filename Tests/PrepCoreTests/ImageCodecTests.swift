import Foundation
import XCTest
@testable import PrepCore

/// Decoded pixels must equal the reference's (`cv2.imread`, OpenCV 4.10 on libjpeg-turbo and
/// libpng). Expected sizes and CRC-32s of the pixel buffers are in fixtures/images/expected.json,
/// written by fixtures/tools/make_golden.py with OpenCV.
final class ImageCodecTests: XCTestCase {
    struct Expected: Decodable {
        var width: Int, height: Int, color: UInt32
        var stored_width: Int, stored_height: Int, stored: UInt32, gray: UInt32
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures")

    func expected() throws -> [String: Expected?] {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("images/expected.json"))
        let all = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        var out: [String: Expected?] = [:]
        for (k, v) in all where !k.hasPrefix("encode:") {
            if v is NSNull { out[k] = .some(nil); continue }
            out[k] = try JSONDecoder().decode(Expected.self, from: JSONSerialization.data(withJSONObject: v))
        }
        return out
    }

    func bytes(_ rel: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent(rel)))
    }

    func testDecodedPixelsEqualOpenCV() throws {
        let all = try expected()
        XCTAssertGreaterThan(all.count, 25)
        for (rel, exp) in all.sorted(by: { $0.key < $1.key }) {
            let b = try bytes(rel)
            guard let exp else {
                XCTAssertThrowsError(try ImageCodec.decode(b, name: rel), "\(rel) should not decode")
                continue
            }
            let stored = try ImageCodec.decode(b, name: rel)
            XCTAssertEqual([stored.width, stored.height], [exp.stored_width, exp.stored_height], rel)
            XCTAssertEqual(CRC32.of(stored.data), exp.stored, "\(rel): stored pixels differ from cv2.imread")
            let gray = try ImageCodec.decode(b, name: rel, gray: true)
            XCTAssertEqual(CRC32.of(gray.data), exp.gray, "\(rel): grayscale pixels differ from cv2.imread")
            let info = try ImageProbe.probe(bytes: b, name: rel)
            let shown = try ImageCodec.decode(b, name: rel, orientation: ExifOrientation(info.exifOrientation))
            XCTAssertEqual([shown.width, shown.height], [exp.width, exp.height], rel)
            XCTAssertEqual(CRC32.of(shown.data), exp.color, "\(rel): EXIF-applied pixels differ from cv2.imread")
        }
    }

    /// The upstream samples themselves (a 2448×3264 phone photo with orientation 6 and one
    /// without), when ../shared is present (they are too big to copy into fixtures/).
    func testUpstreamPhotos() throws {
        let up = Self.fixtures.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/upstream-samples/images")
        // CRC-32s of cv2.imread(path) and cv2.imread(path, IMREAD_COLOR | IMREAD_IGNORE_ORIENTATION).
        let cases: [(String, Int, UInt32, UInt32)] = [("exif_orientation6.jpg", 6, 0xfc03253e, 0x355ce31b),
                                                      ("plain.jpg", 1, 0x5a1b11ae, 0x5a1b11ae)]
        guard FileManager.default.fileExists(atPath: up.path) else { throw XCTSkip("../shared/upstream-samples not present") }
        for (name, orientation, color, stored) in cases {
            let b = [UInt8](try Data(contentsOf: up.appendingPathComponent(name)))
            XCTAssertEqual(try ImageProbe.probe(bytes: b, name: name).exifOrientation, orientation)
            XCTAssertEqual(CRC32.of(try ImageCodec.decode(b, name: name).data), stored, name)
            XCTAssertEqual(CRC32.of(try ImageCodec.decode(b, name: name, orientation: ExifOrientation(orientation)).data), color, name)
        }
    }

    /// Region decoding (jpeg_crop_scanline + jpeg_skip_scanlines with margins) gives exactly
    /// the pixels of a full decode, at edges, corners, MCU boundaries and odd sizes.
    func testRegionDecodeEqualsFullDecode() throws {
        let files = ["detext-toy/imgs/training/img_1.jpg", "detext-toy/imgs/val/img_6.jpg", "images/odd_420.jpg",
                     "images/odd_422.jpg", "images/odd_444.jpg", "images/gray.jpg", "images/progressive.jpg",
                     "images/restart.jpg", "images/png_rgb.png"]
        var rng = SplitMix(seed: 7)
        for rel in files {
            let b = try bytes(rel)
            for gray in [false, true] {
                let full = try ImageCodec.decode(b, name: rel, gray: gray)
                let W = full.width, H = full.height
                var regions = [(0, 0, W, H), (0, 0, 1, 1), (W - 1, H - 1, W, H), (0, H - 1, W, H), (W - 1, 0, W, H),
                               (7, 9, 8, 10), (8, 8, 16, 16), (15, 15, 17, 17), (W / 2, H / 2, W / 2 + 3, min(H, H / 2 + 40))]
                for _ in 0..<40 {
                    let x0 = rng.next(W), y0 = rng.next(H)
                    regions.append((x0, y0, x0 + 1 + rng.next(W - x0), y0 + 1 + rng.next(H - y0)))
                }
                for (x0, y0, x1, y1) in regions {
                    let part = try ImageCodec.decode(b, name: rel, gray: gray, region: (x0, y0, x1, y1))
                    XCTAssertEqual(part, full.cropped(x0: x0, y0: y0, x1: x1, y1: y1),
                                   "\(rel) gray=\(gray) region [\(x0),\(x1))x[\(y0),\(y1))")
                }
            }
        }
    }

    /// Several row bands decoded in one pass (rows between them skipped): every row inside a
    /// band equals the full decode.
    func testRowBandDecodeEqualsFullDecode() throws {
        var rng = SplitMix(seed: 5)
        for rel in ["detext-toy/imgs/training/img_1.jpg", "detext-toy/imgs/training/img_2.jpg", "images/progressive.jpg",
                    "images/odd_420.jpg", "images/odd_422.jpg", "images/restart.jpg", "images/gray.jpg"] {
            let b = try bytes(rel)
            let full = try ImageCodec.decode(b, name: rel)
            for _ in 0..<25 {
                var bands: [(y0: Int, y1: Int)] = []
                var y = rng.next(full.height / 3)
                while y < full.height - 1 && bands.count < 6 {
                    let y1 = min(full.height, y + 1 + rng.next(40))
                    bands.append((y, y1))
                    y = y1 + 1 + rng.next(120)
                }
                let x0 = rng.next(full.width - 1), x1 = x0 + 1 + rng.next(full.width - x0 - 1)
                let got = try ImageCodec.decode(b, name: rel, columns: (x0, x1), rowBands: bands)
                for band in bands {
                    XCTAssertEqual(got.cropped(x0: 0, y0: band.y0 - bands[0].y0, x1: x1 - x0, y1: band.y1 - bands[0].y0),
                                   full.cropped(x0: x0, y0: band.y0, x1: x1, y1: band.y1), "\(rel) bands \(bands) columns \(x0)..<\(x1)")
                }
            }
        }
    }

    /// A displayed-coordinates region of an EXIF-rotated image equals the crop of the rotated
    /// full image, for all eight orientations.
    func testOrientedRegionDecode() throws {
        var rng = SplitMix(seed: 11)
        for o in 1...8 {
            let rel = "images/exif_o\(o).jpg"
            let b = try bytes(rel)
            let full = try ImageCodec.decode(b, name: rel, orientation: ExifOrientation(o))
            for _ in 0..<20 {
                let x0 = rng.next(full.width), y0 = rng.next(full.height)
                let r = (x0, y0, x0 + 1 + rng.next(full.width - x0), y0 + 1 + rng.next(full.height - y0))
                XCTAssertEqual(try ImageCodec.decode(b, name: rel, region: r, orientation: ExifOrientation(o)),
                               full.cropped(x0: r.0, y0: r.1, x1: r.2, y1: r.3), "orientation \(o) region \(r)")
            }
        }
    }

    func testTruncatedJPEGIsAnErrorNotGrey() throws {
        XCTAssertThrowsError(try ImageCodec.decode(try bytes("images/truncated.jpg"), name: "truncated.jpg")) { e in
            XCTAssertTrue("\(e)".contains("truncated") || "\(e)".contains("cannot decode"), "\(e)")
        }
        // A valid image cut in its entropy-coded data: libjpeg would fill the rest grey.
        let b = try bytes("detext-toy/imgs/training/img_1.jpg")
        let cut = Array(b.prefix(b.count / 2))
        XCTAssertThrowsError(try ImageCodec.decode(cut, name: "cut.jpg")) { e in
            XCTAssertTrue("\(e)".contains("truncated"), "\(e)")
        }
        // Only the top rows are needed: those decode fine (the cut is further down).
        XCTAssertNoThrow(try ImageCodec.decode(cut, name: "cut.jpg", region: (0, 0, 100, 20)))
    }

    /// Small files are decoded from a padded copy (libjpeg-turbo's fast Huffman path needs
    /// slack after the data); a cut anywhere in the entropy-coded data or the final marker must
    /// still be "truncated", in decoding and in verification, never a grey-filled success.
    func testSmallJPEGCutAnywhereIsTruncated() throws {
        let page = try ImageCodec.decode(try bytes("detext-toy/imgs/training/img_1.jpg"), name: "img_1.jpg")
        let crop = try ImageCodec.encodeJPEG(page.cropped(x0: 200, y0: 100, x1: 300, y1: 132))
        XCTAssertLessThan(crop.count, 8192)
        let whole = try ImageCodec.decode(crop, name: "crop.jpg")
        XCTAssertEqual(try ImageCodec.verify(crop, name: "crop.jpg").width, 100)
        XCTAssertEqual(try ImageCodec.decode(crop + [0, 1, 2, 0xFF], name: "trailing.jpg"), whole,
                       "bytes after the EOI marker change nothing")
        // Baseline 4:2:0 (the crop), progressive, restart markers, gray, 4:4:4.
        let files: [(String, [UInt8])] = [("crop", crop)] + (try ["progressive.jpg", "restart.jpg", "gray.jpg", "odd_444.jpg"].map {
            ($0, try bytes("images/\($0)"))
        })
        for (name, file) in files {
            XCTAssertNoThrow(try ImageCodec.verify(file, name: name))
            // The first scan's data starts after the SOS header; cut from there to the last byte.
            let sos = (0..<file.count - 1).first { file[$0] == 0xFF && file[$0 + 1] == 0xDA }!
            var cuts = Array(stride(from: sos + 20, to: file.count - 2, by: max(13, file.count / 60)))
            cuts += [file.count - 2, file.count - 1]
            for n in cuts {
                let cut = Array(file.prefix(n))
                XCTAssertThrowsError(try ImageCodec.verify(cut, name: "cut.jpg"), "\(name) verify, cut at \(n)") { e in
                    XCTAssertTrue("\(e)".contains("truncated"), "\(name) verify, cut at \(n): \(e)")
                }
                XCTAssertThrowsError(try ImageCodec.decode(cut, name: "cut.jpg"), "\(name) decode, cut at \(n)") { e in
                    XCTAssertTrue("\(e)".contains("truncated"), "\(name) decode, cut at \(n): \(e)")
                }
            }
        }
    }

    /// prep writes PNGs with its own deflate encoder: every shape (one pixel, one row, one
    /// column, noise without runs, flat areas with runs longer than 258, gray and colour, both
    /// channel orders) must come back identical through libpng, which checks every CRC and the
    /// zlib stream; runs must actually compress.
    func testPNGEncoderRoundTripsEveryShape() throws {
        var rng = SplitMix(seed: 7)
        func noise(_ w: Int, _ h: Int, _ c: Int) -> Pixels {
            Pixels(width: w, height: h, channels: c, order: c == 1 ? .gray : .bgr, data: (0..<(w * h * c)).map { _ in UInt8(rng.next(256)) })
        }
        func flat(_ w: Int, _ h: Int, _ c: Int, _ v: UInt8) -> Pixels {
            Pixels(width: w, height: h, channels: c, order: c == 1 ? .gray : .bgr, data: [UInt8](repeating: v, count: w * h * c))
        }
        let page = try ImageCodec.decode(try bytes("detext-toy/imgs/training/img_1.jpg"), name: "img_1.jpg")
        var cases: [(String, Pixels)] = [
            ("1x1", flat(1, 1, 3, 0)), ("1x1 gray", flat(1, 1, 1, 200)), ("row", noise(700, 1, 3)), ("column", noise(1, 300, 3)),
            ("noise", noise(64, 64, 3)), ("noise gray", noise(33, 17, 1)), ("flat", flat(400, 100, 3, 7)),
            ("long runs", flat(2000, 3, 3, 255)), ("crop", page.cropped(x0: 100, y0: 50, x1: 420, y1: 130)),
            ("page", page),
        ]
        var rgb = page.cropped(x0: 0, y0: 0, x1: 50, y1: 40)
        rgb.order = .rgb
        cases.append(("rgb order", rgb))
        for (name, px) in cases {
            let png = try ImageCodec.encodePNG(px)
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], name)
            let back = try ImageCodec.decode(png, name: name, gray: px.channels == 1)
            if px.order == .rgb {
                var swapped = back.data
                for i in stride(from: 0, to: swapped.count, by: 3) { swapped.swapAt(i, i + 2) }
                XCTAssertEqual(swapped, px.data, name)
            } else {
                XCTAssertEqual(back.data, px.data, name)
            }
            XCTAssertEqual(ImageFormat.sniff(png), .png, name)
            let raw = px.width * px.height * px.channels
            if name == "flat" || name == "long runs" { XCTAssertLessThan(png.count, raw / 50, "\(name): runs compress") }
            if name == "crop" { XCTAssertLessThan(png.count, raw * 3 / 4, "a photo crop compresses") }
        }
    }

    /// OpenVINO crops keep their source's quantisation tables, as the reference's Pillow call
    /// does: bytes equal to Pillow's `crop(box).save(path, qtables=source.quantization)` for a
    /// q60 colour and a q80 gray source, inside the image and past its edge (black fill).
    /// Goldens: fixtures/tools/make_qtables_golden.py (Pillow from the peer venv).
    func testJPEGWithSourceTablesMatchesPillow() throws {
        let boxes = ["inside": (10, 7, 83, 40), "past_edge": (100, 70, 140, 110)]
        for source in ["q60", "q80_gray"] {
            let src = try bytes("images/qtables/\(source).jpg")
            let q = try XCTUnwrap(ImageCodec.quantisation(of: src))
            XCTAssertEqual(q.tables.count, source == "q60" ? 2 : 1)
            XCTAssertEqual(q.gray, source == "q80_gray")
            XCTAssertNotEqual(q.tables[0][0], 2, "not the quality-95 table")
            let page = try ImageCodec.decode(src, name: source)
            for (label, b) in boxes {
                let inside = page.cropped(x0: b.0, y0: b.1, x1: min(b.2, page.width), y1: min(b.3, page.height))
                let crop = inside.padded(width: b.2 - b.0, height: b.3 - b.1)
                let expected = try bytes("images/qtables/\(source)_\(label)_pil.jpg")
                XCTAssertEqual(try ImageCodec.encodeJPEG(crop, quantisation: q), expected, "\(source) \(label)")
            }
        }
        // Not a JPEG source: no quantisation to keep (the crop engine then writes quality 95;
        // OpenVINOTests covers a PNG page).
        XCTAssertNil(ImageCodec.quantisation(of: try bytes("images/png_rgb.png")))
    }

    func testEncodersMatchOpenCVDefaults() throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("images/expected.json"))
        let all = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let enc = all["encode:odd_420.jpg"] as! [String: Any]
        let px = try ImageCodec.decode(try bytes("images/odd_420.jpg"), name: "odd_420.jpg")
        let jpeg = try ImageCodec.encodeJPEG(px)
        XCTAssertEqual(UInt64(CRC32.of(jpeg)), (enc["jpeg95"] as! NSNumber).uint64Value, "JPEG q95 bytes differ from cv2.imencode")
        let png = try ImageCodec.encodePNG(px)
        XCTAssertEqual(try ImageCodec.decode(png, name: "roundtrip.png"), px, "PNG is lossless")
        let grayPx = try ImageCodec.decode(try bytes("images/gray.jpg"), name: "gray.jpg", gray: true)
        XCTAssertEqual(try ImageCodec.decode(ImageCodec.encodePNG(grayPx), name: "g.png", gray: true), grayPx)
        XCTAssertThrowsError(try ImageCodec.encodePNG(Pixels(width: 0, height: 0, channels: 3, data: [])))
    }
}

/// A small seeded generator so region choices are reproducible.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        z ^= z >> 31
        return bound <= 0 ? 0 : Int(z % UInt64(bound))
    }
}
