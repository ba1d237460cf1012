import XCTest
@testable import PrepPipeline
import PrepConverters

final class ZooTests: XCTestCase {
    func testEmbeddedZooHasEveryFolder() throws {
        let zoo = try Zoo.load()
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folders = try FileManager.default.contentsOfDirectory(atPath: repo.appendingPathComponent("dataset-zoo").path)
            .filter { !$0.hasPrefix(".") }.sorted()
        XCTAssertEqual(zoo.names, folders, "every dataset-zoo folder is embedded in the binary")
        for name in ["icdar2015", "icdar2017"] {
            let r = try XCTUnwrap(zoo.recipe(name))
            XCTAssertEqual(r.converter, "icdar-txt")
            XCTAssertNotNil(r.citation)
            XCTAssertNotNil(r.license)
            XCTAssertNotNil(r.tree)
            XCTAssertEqual(r.outputs["det"], "instances_{split}.json")
        }
        XCTAssertEqual(zoo.recipe("icdar2017")?.options?["script_field"], "true")
    }

    /// Every recipe: citation, license and layout for `prep zoo`, a known converter (or a
    /// recognition/KIE-only dataset), tasks it can run, and a val split where --val-ratio applies.
    func testEveryRecipeIsComplete() throws {
        let zoo = try Zoo.load()
        for name in zoo.names {
            let r = try XCTUnwrap(zoo.recipe(name))
            XCTAssertNotNil(r.citation, name)
            XCTAssertNotNil(r.license, name)
            XCTAssertNotNil(r.tree, name)
            XCTAssertFalse(r.tasks.isEmpty, name)
            if r.tasks.contains("det") || r.tasks.contains("spotting") {
                XCTAssertTrue(ConverterRegistry.names.contains(r.converter), "\(name): converter \(r.converter)")
                XCTAssertNotNil(r.outputs["det"], name)
            }
            if r.tasks.contains("recog") { XCTAssertNotNil(r.recog, name) }
            if r.tasks.contains("kie") { XCTAssertTrue(r.kie != nil || r.paddleKIE != nil, name) }
            if let v = r.valSplit { XCTAssertTrue(r.splits.contains(v.from) && r.splits.contains(v.to), name) }
        }
        XCTAssertGreaterThanOrEqual(zoo.names.count, 26)
    }

    func testLayoutExpansion() {
        XCTAssertEqual(expandTemplate("annotations/gt_{number}.txt", split: "x", name: "im0012.jpg"), "annotations/gt_12.txt")
        XCTAssertEqual(expandTemplate("annotations/{head}_gt_ocr.txt", split: "x", name: "00000001_in.jpg"), "annotations/00000001_gt_ocr.txt")
        XCTAssertEqual(expandTemplate("{number}", split: "x", name: "im0000.jpg"), "0")
    }

    func testTemplates() {
        XCTAssertEqual(expandTemplate("annotations/{split}/gt_{stem}.txt", split: "training", name: "img_1.jpg"), "annotations/training/gt_img_1.txt")
        XCTAssertEqual(expandTemplate("{split}/{name}", split: "test", name: "a.b.png"), "test/a.b.png")
        XCTAssertEqual(expandTemplate("{stem1}|{stem}", split: "x", name: "a.b.png"), "a|a.b")
    }

    func testBadRecipeNamesTheFile() {
        XCTAssertThrowsError(try Zoo(files: ["broken/dataset.yml": "name: broken\ntitle: x\n"])) { error in
            XCTAssertTrue("\(error)".hasPrefix("dataset-zoo/broken/dataset.yml: missing key"), "\(error)")
        }
        XCTAssertThrowsError(try Zoo(files: ["a/dataset.yml": try! String(contentsOf: URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("dataset-zoo/icdar2015/dataset.yml"), encoding: .utf8)])) { error in
            XCTAssertTrue("\(error)".contains("differs from its folder"), "\(error)")
        }
    }
}
