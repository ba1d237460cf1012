import Foundation
import XCTest
import PrepCore

/// `prep labelme` against MMOCR 0.6.3's `common/labelme_converter.py` on MMOCR's labelme toy data
/// (fixtures/expected/labelme-toy, made by fixtures/tools/labelme_golden.py), and the quirks the
/// reference gets wrong (fixtures/labelme-quirks, hand-checked).
final class LabelmeCommandTests: XCTestCase {
    let images = PrepProcess.fixture("icdar2015-toy/imgs/test").path

    func testMatchesReferenceOnToyData() throws {
        let out = try PrepProcess.tempDir(self).appendingPathComponent("out")
        let r = try PrepProcess.run(["labelme", PrepProcess.fixture("labelme-toy/json").path, images, out.path,
                                     "--tasks", "det", "recog", "--warp", "--nproc", "2", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for f in ["instances_training.txt", "train_label.jsonl", "warp_train_label.jsonl"] {
            XCTAssertEqual(try readText(out, f), try golden("labelme-toy", f), f)
        }
        // Crops: the reference's JPEG files, byte for byte.
        let exp = try JSONSerialization.jsonObject(with: Data(contentsOf: PrepProcess.fixture("expected/labelme-toy/crops.json"))) as! [String: [String: NSNumber]]
        for (rel, v) in exp {
            let data = try Data(contentsOf: out.appendingPathComponent(rel))
            XCTAssertEqual(NSNumber(value: CRC32.of([UInt8](data))), v["file_crc"], rel)
        }
        let written = FileManager.default.enumerator(atPath: out.appendingPathComponent("crops").path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".jpg") }
        XCTAssertEqual(written.count, exp.count)
    }

    func testDetOnlyByDefault() throws {
        let out = try PrepProcess.tempDir(self).appendingPathComponent("out")
        let r = try PrepProcess.run(["labelme", PrepProcess.fixture("labelme-toy/json").path, images, out.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try readText(out, "instances_training.txt"), try golden("labelme-toy", "instances_training.txt"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("crops").path))
    }

    func testOneBadShapeKeepsTheRestOfItsImage() throws {
        let out = try PrepProcess.tempDir(self).appendingPathComponent("out")
        let r = try PrepProcess.run(["labelme", PrepProcess.fixture("labelme-quirks/json").path, images, out.path,
                                     "--tasks", "det", "recog", "--warp", "--format", "txt"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("img_1.json: shape 0: shape_type 'circle' is not a rectangle or polygon"), r.stdout)
        XCTAssertTrue(r.stdout.contains("img_1.json: shape 4: a polygon needs at least 4 points (has 3)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("nowhere.jpg: image named by missing.json is absent"), r.stdout)
        // The rectangle does not stop the polygons after it from being warped; the 6-point polygon
        // is warped through its minimum-area rectangle; paths are relative to OUT_DIR.
        XCTAssertEqual(try readText(out, "train_label.txt"),
                       "crops/img_1/crop_0.jpg Rect\ncrops/img_1/crop_1.jpg Genaxis Theatre\ncrops/img_1/crop_2.jpg Six\n")
        XCTAssertEqual(try readText(out, "warp_train_label.txt"),
                       "crops/img_1/warp_1.jpg Genaxis Theatre\ncrops/img_1/warp_2.jpg Six\n")
        let det = try readText(out, "instances_training.txt").split(separator: "\n")
        XCTAssertEqual(det.count, 2)
        XCTAssertTrue(det[0].hasPrefix("{\"file_name\": \"img_1.jpg\""), String(det[0]))
        XCTAssertTrue(det[0].contains("\"bbox\": [493, 115, 26, 16]"), String(det[0]))
    }
}
