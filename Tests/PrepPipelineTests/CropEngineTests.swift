import Foundation
import XCTest
@testable import PrepPipeline
import PrepCore

/// The crop engine on one real image (fixtures/detext-toy/imgs/training/img_1.jpg): numbering,
/// skips with reasons, vertical rules, partial decoding equal to full decoding.
final class CropEngineTests: XCTestCase {
    static let image = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/detext-toy/imgs/training/img_1.jpg")

    func sample(_ instances: [TextInstance]) -> Sample {
        Sample(image: ImageRef(url: Self.image, name: "img_1.jpg", width: 1280, height: 720, format: .jpeg), instances: instances)
    }

    func box(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ text: String, ignore: Bool = false) -> TextInstance {
        TextInstance(polygon: [x0, y0, x1, y0, x1, y1, x0, y1], integerCoordinates: true, text: text, ignore: ignore)
    }

    func bytes() throws -> [UInt8] { [UInt8](try Data(contentsOf: Self.image)) }

    func testNumberingSkipsAndIgnores() throws {
        let s = sample([box(377, 117, 463, 130, "a"), box(1, 1, 9, 9, "###", ignore: true), box(2000, 0, 2100, 20, "out"),
                        box(10, 10, 10, 30, "flat"), box(100, 100, 140, 120, ""), box(600, 300, 620, 360, "tall"),
                        TextInstance(polygon: [1, 2, 3], text: "odd")])
        var settings = CropSettings(vertical: .ignores)
        var r = CropEngine(settings: settings).cut(s, prefix: "img_1", split: "training", bytes: try bytes())
        XCTAssertEqual(r.crops.map(\.name), ["img_1_1.png", "img_1_5.png"])  // gaps where skipped
        XCTAssertEqual(r.crops.map(\.diverted), [false, true])
        XCTAssertEqual(r.ignored, 1)
        XCTAssertEqual(r.skipped.map(\.reason), [
            "instance 3 ('out'): box lies outside the 1280x720 image",
            "instance 4 ('flat'): degenerate box (empty crop [10,10)x[10,30))",
            "instance 5: empty transcription",
            "instance 7 ('odd'): polygon has odd number of coordinates (3)"])
        settings.indexBeforeSkip = false
        settings.vertical = .drop
        r = CropEngine(settings: settings).cut(s, prefix: "img_1", split: "training", bytes: try bytes())
        XCTAssertEqual(r.crops.map(\.name), ["img_1_1.png"])
        XCTAssertEqual(r.droppedVertical, 1)
        settings.verticalSplits = ["training"]
        r = CropEngine(settings: settings).cut(s, prefix: "img_1", split: "val", bytes: try bytes())
        XCTAssertEqual(r.crops.map(\.name), ["img_1_1.png", "img_1_2.png"])  // the rule is for training only
    }

    func testPartialDecodeGivesTheSameCrops() throws {
        var instances: [TextInstance] = []
        for k in 0..<12 {  // spread over the image: several row bands
            let x = Double(37 + k * 97), y = Double(11 + k * 59)
            instances.append(box(x, y, x + 60 + Double(k), y + 20 + Double(k % 4), "w\(k)"))
        }
        var settings = CropSettings(vertical: .keep)
        let partial = CropEngine(settings: settings).cut(sample(instances), prefix: "p", split: "x", bytes: try bytes())
        settings.partialDecode = false
        let full = CropEngine(settings: settings).cut(sample(instances), prefix: "p", split: "x", bytes: try bytes())
        XCTAssertEqual(partial.crops.count, 12)
        XCTAssertEqual(partial.crops.map(\.bytes), full.crops.map(\.bytes))
        let bands = CropEngine.rowBands(instances.map { CropRect.cropImg($0.polygon, width: 1280, height: 720, longPad: 0, shortPad: 0) })
        XCTAssertGreaterThan(bands.count, 5)
    }

    func testRotateTurnsTallCrops() throws {
        let r = CropEngine(settings: CropSettings(vertical: .rotate))
            .cut(sample([box(600, 300, 620, 360, "tall")]), prefix: "t", split: "training", bytes: try bytes())
        XCTAssertEqual(r.rotated, 1)
        XCTAssertEqual([r.crops[0].width, r.crops[0].height], [60, 20])
    }

    func testTruncatedImageSkipsItsCrops() throws {
        let b = try bytes()
        let r = CropEngine(settings: CropSettings()).cut(sample([box(377, 600, 463, 630, "low"), box(377, 650, 463, 700, "lower")]),
                                                         prefix: "c", split: "training", bytes: Array(b.prefix(b.count / 2)))
        XCTAssertEqual(r.crops.count, 0)
        XCTAssertEqual(r.skipped.count, 1)
        XCTAssertTrue(r.skipped[0].reason.contains("truncated") && r.skipped[0].reason.contains("its 2 crops skipped"), r.skipped[0].reason)
    }

    func testPrefixClashes() {
        XCTAssertEqual(RecogPacker.prefixClashes(["a", "b", "a", "c", "b"]), [2: 0, 4: 1])
    }

    func testCOCOGeometryClampedBBox() throws {
        let g = try XCTUnwrap(try COCOGeometry(Recipe.COCOSettings(annotationKeys: nil, bbox: "clamped-xywh", area: "bbox"), recipe: "t"))
        let s = g.apply(sample([TextInstance(polygon: [-5, 10, 20, 10, 20, 30, -5, 30], integerCoordinates: true, text: "x")]))
        XCTAssertEqual(s.instances[0].attributes["bbox"], .array([.int(0), .int(10), .int(20), .int(20)]))
        XCTAssertEqual(s.instances[0].attributes["area"], .int(400))
        XCTAssertNil(try COCOGeometry(nil, recipe: "t"))
        XCTAssertThrowsError(try COCOGeometry(Recipe.COCOSettings(annotationKeys: nil, bbox: "weird", area: nil), recipe: "t"))
    }
}
