import XCTest
import PrepCore
@testable import PrepModels

/// The CRNN input pipeline against MMOCR's own transforms: fixtures/recog/preprocess_golden.json
/// was written by scripts/recog_preprocess_golden.py running MMOCR 1.0.1's LoadImageFromFile
/// (grayscale), Resize(100×32), RescaleToHeight + PadToWidth(160) and TextRecogDataPreprocessor
/// on the rec-toy crops.
final class RecogInputSpecTests: XCTestCase {
    struct Golden: Decodable {
        struct Image: Decodable {
            var name: String; var height: Int; var width: Int
            var fixed: String; var keep_ratio_width: Int; var keep_ratio: String
            var normalised: [[Double]]
        }
        var images: [Image]
    }

    func golden() throws -> Golden {
        try JSONDecoder().decode(Golden.self, from: Data(contentsOf: RecogTestData.fixture("recog/preprocess_golden.json")))
    }

    static func hex(_ s: String) -> [Float] {
        var out: [Float] = []
        var it = s.utf8.makeIterator()
        func nib(_ c: UInt8) -> Int { Int(c <= 57 ? c - 48 : c - 87) }
        while let a = it.next(), let b = it.next() { out.append(Float(nib(a) * 16 + nib(b))) }
        return out
    }

    func pixels(_ name: String) throws -> Pixels {
        try ImageCodec.decode(file: RecogTestData.fixture("lmdb/rec-toy/imgs/\(name)"), gray: true)
    }

    func testFixedResizeEqualsMMOCR() throws {
        // Normalisation undone (×127 + 127) gives the resized 8-bit pixels exactly.
        let spec = RecogInputSpec()
        for g in try golden().images {
            let p = try pixels(g.name)
            XCTAssertEqual([p.width, p.height], [g.width, g.height], g.name)
            let t = spec.tensor(p)
            XCTAssertEqual(t.values.count, 32 * 100)
            XCTAssertEqual(t.values.map { ($0 * 127 + 127).rounded() }, Self.hex(g.fixed), g.name)
            for probe in g.normalised {
                XCTAssertEqual(Double(t.values[Int(probe[0]) * 100 + Int(probe[1])]), probe[2], accuracy: 1e-6, g.name)
            }
        }
    }

    func testKeepRatioWidthsAndPaddingEqualMMOCR() throws {
        let spec = RecogInputSpec(width: 160, keepRatio: true)
        XCTAssertEqual(spec.sequenceLength, 41)
        for g in try golden().images {
            let p = try pixels(g.name)
            XCTAssertEqual(min(160, spec.keepRatioWidth(imageWidth: p.width, imageHeight: p.height)), g.keep_ratio_width, g.name)
            let t = spec.tensor(p)
            XCTAssertEqual(t.values.map { ($0 * 127 + 127).rounded() }, Self.hex(g.keep_ratio), g.name)
            XCTAssertEqual(t.validRatio, min(1, Float(spec.keepRatioWidth(imageWidth: p.width, imageHeight: p.height)) / 160))
        }
    }

    func testWidthRoundingIsHalfToEven() {
        let spec = RecogInputSpec(keepRatio: true)
        // 32·w/h = 40 → 40 % 16 ≠ 0 → round(2.5) = 2 (Python) → 32; 56 → round(3.5) = 4 → 64.
        XCTAssertEqual(spec.keepRatioWidth(imageWidth: 40, imageHeight: 32), 32)
        XCTAssertEqual(spec.keepRatioWidth(imageWidth: 56, imageHeight: 32), 64)
        XCTAssertEqual(spec.keepRatioWidth(imageWidth: 10, imageHeight: 32), 32)  // min width
        XCTAssertEqual(RecogInputSpec(width: 100).sequenceLength, 26)
    }

    func testColourKeepsThreeBGRPlanes() throws {
        let p = try ImageCodec.decode(file: RecogTestData.fixture("lmdb/rec-toy/imgs/1223731.jpg"))
        let t = RecogInputSpec(channels: 3).tensor(p)
        XCTAssertEqual(t.values.count, 3 * 32 * 100)
        let r = p.resized(width: 100, height: 32)
        let got: Float = t.values[2 * 3200 + 5 * 100 + 7] * 127 + 127
        let want = Float(r.data[(5 * 100 + 7) * 3 + 2])
        XCTAssertEqual(got, want, accuracy: 1e-4)
    }
}
