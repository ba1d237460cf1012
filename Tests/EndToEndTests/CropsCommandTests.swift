import Foundation
import XCTest
import PrepCore

/// `prep crops`: `prep icdar2015`'s COCO output → crops + labels. Expected pixels come from the
/// reference's crop_img / warp_img on the same boxes (fixtures/detext-toy/expected, and
/// fixtures/images/warp_expected.json; see fixtures/README.md).
final class CropsCommandTests: XCTestCase {
    /// An ICDAR 2015 layout (split `test`) made of the DeText toy's training images, prepared
    /// with `prep icdar2015`.
    func icdarToy() throws -> URL {
        let root = try PrepProcess.tempDir(self).appendingPathComponent("icdar2015")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("imgs"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("annotations"), withIntermediateDirectories: true)
        try fm.copyItem(at: PrepProcess.fixture("detext-toy/imgs/training"), to: root.appendingPathComponent("imgs/test"))
        try fm.copyItem(at: PrepProcess.fixture("detext-toy/annotations/training"), to: root.appendingPathComponent("annotations/test"))
        let r = try PrepProcess.run(["icdar2015", root.path, "--split-list", "test", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return root
    }

    func crc(_ url: URL) throws -> (Int, Int, UInt32) {
        let px = try ImageCodec.decode(file: url)
        return (px.width, px.height, CRC32.of(px.data))
    }

    func testICDAROutputBecomesRecognitionData() throws {
        let root = try icdarToy()
        let out = root.appendingPathComponent("rec")
        let r = try PrepProcess.run(["crops", root.appendingPathComponent("instances_test.json").path,
                                     "--text-from", "icdar2015", "-o", out.path, "--nproc", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("box lies outside"), r.stdout)
        let labels = String(decoding: try Data(contentsOf: out.appendingPathComponent("label.jsonl")), as: UTF8.self)
        XCTAssertTrue(labels.hasPrefix("{\"filename\": \"crops/test/img_1_1.png\", \"text\": \"Genaxis Theatre\"}\n"), labels)
        XCTAssertEqual(labels.split(separator: "\n").count, 10)
        XCTAssertTrue(String(decoding: try Data(contentsOf: out.appendingPathComponent("ignores_label.jsonl")), as: UTF8.self)
            .contains("ignores/test/img_1_5.png"))
        // Same rule as DeText's (crop_img without padding): the same pixels as the reference's crops.
        let golden = try JSONSerialization.jsonObject(with: Data(contentsOf: PrepProcess.fixture("detext-toy/expected/recog-jsonl/crops.json"))) as! [String: [String: NSNumber]]
        var compared = 0
        for (k, v) in golden where k.contains("/training/") {
            let mine = out.appendingPathComponent(k.replacingOccurrences(of: "/training/", with: "/test/"))
            let (w, h, c) = try crc(mine)
            XCTAssertEqual([w, h], [v["width"]!.intValue, v["height"]!.intValue], k)
            XCTAssertEqual(UInt64(c), v["crc"]!.uint64Value, k)
            compared += 1
        }
        XCTAssertEqual(compared, 11)
    }

    func testPaddingAndWarpMatchReference() throws {
        let root = try icdarToy()
        let ann = root.appendingPathComponent("instances_test.json").path
        let warp = try JSONSerialization.jsonObject(with: Data(contentsOf: PrepProcess.fixture("images/warp_expected.json"))) as! [String: Any]
        let cases = warp["cases"] as! [[String: Any]]
        // gt_img_1 line 1, "Genaxis Theatre": crop_img with default pads, and warp_img.
        let first = cases[0]
        XCTAssertEqual((first["box"] as! [NSNumber]).map(\.intValue), [377, 117, 463, 117, 465, 130, 378, 130])
        let padded = root.appendingPathComponent("padded")
        var r = try PrepProcess.run(["crops", ann, "--text-from", "icdar2015", "-o", padded.path, "--pad", "0.4,0.2", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let expCrop = (first["crop_img"] as! [NSNumber]).map(\.uint64Value)
        let got = try crc(padded.appendingPathComponent("crops/test/img_1_1.png"))
        XCTAssertEqual([UInt64(got.0), UInt64(got.1), UInt64(got.2)], expCrop)

        let warped = root.appendingPathComponent("warped")
        r = try PrepProcess.run(["crops", ann, "--text-from", "icdar2015", "-o", warped.path, "--warp", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let w = try crc(warped.appendingPathComponent("crops/test/img_1_1.png"))
        XCTAssertEqual([w.0, w.1], [(first["width"] as! NSNumber).intValue, (first["height"] as! NSNumber).intValue])
        XCTAssertEqual(UInt64(w.2), (first["crc"] as! NSNumber).uint64Value)
        // The one-pixel-wide and outside boxes: the reference returns the whole image; prep skips.
        r = try PrepProcess.run(["crops", ann, "--text-from", "icdar2015", "-o", warped.path, "--warp"])
        XCTAssertTrue(r.stdout.contains("thinner than one pixel"), r.stdout)
    }

    func testBadInput() throws {
        let root = try icdarToy()
        let ann = root.appendingPathComponent("instances_test.json")
        // No text and no --text-from; an unknown --format; bad --pad; output is a file.
        var r = try PrepProcess.run(["crops", ann.path, "-o", root.appendingPathComponent("o1").path])
        XCTAssertEqual(r.status, 2); XCTAssertTrue(r.stderr.contains("--text-from"), r.stderr)
        r = try PrepProcess.run(["crops", ann.path, "-o", root.appendingPathComponent("o2").path, "--format", "csv", "--text-from", "icdar2015"])
        XCTAssertEqual(r.status, 2); XCTAssertTrue(r.stderr.contains("jsonl, txt or lmdb"), r.stderr)
        r = try PrepProcess.run(["crops", ann.path, "-o", root.appendingPathComponent("o3").path, "--pad", "1.5,0"])
        XCTAssertEqual(r.status, 2, r.stderr)
        // The output is the input file itself: refused before anything is written (issue 19).
        r = try PrepProcess.run(["crops", ann.path, "-o", ann.path, "--text-from", "icdar2015"])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("is an input of this command"), r.stdout + r.stderr)

        // Hand-written COCO with text: odd polygon, degenerate polygon, outside, missing image, iscrowd.
        let coco = """
        {"images": [{"file_name": "test/img_2.jpg", "height": 720, "width": 1280, "id": 0},
                    {"file_name": "test/missing.jpg", "height": 720, "width": 1280, "id": 1},
                    {"file_name": "../test/img_2.jpg", "height": 720, "width": 1280, "id": 2}],
         "categories": [{"id": 1, "name": "text"}],
         "annotations": [
          {"iscrowd": 0, "category_id": 1, "bbox": [0, 0, 1, 1], "area": 1, "segmentation": [[602, 173, 635, 175, 634]], "text": "odd", "image_id": 0, "id": 0},
          {"iscrowd": 0, "category_id": 1, "bbox": [0, 0, 1, 1], "area": 1, "segmentation": [[10, 10, 20, 20]], "text": "two", "image_id": 0, "id": 1},
          {"iscrowd": 0, "category_id": 1, "bbox": [0, 0, 1, 1], "area": 1, "segmentation": [[2000, 10, 2100, 10, 2100, 40, 2000, 40]], "text": "far", "image_id": 0, "id": 2},
          {"iscrowd": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "area": 1, "segmentation": [[1, 1, 9, 1, 9, 9, 1, 9]], "text": "###", "image_id": 0, "id": 3},
          {"iscrowd": 0, "category_id": 1, "bbox": [0, 0, 1, 1], "area": 1, "segmentation": [[602, 173, 635, 175, 634, 197, 602, 196]], "text": "EXIT", "image_id": 0, "id": 4},
          {"iscrowd": 0, "category_id": 1, "bbox": [0, 0, 1, 1], "area": 1, "segmentation": [[1, 1, 9, 1, 9, 9, 1, 9]], "text": "x", "image_id": 1, "id": 5}]}
        """
        let hand = root.appendingPathComponent("hand.json")
        try Data(coco.utf8).write(to: hand)
        let out = root.appendingPathComponent("hand-out")
        let report = root.appendingPathComponent("hand-report.json")
        r = try PrepProcess.run(["crops", hand.path, "-o", out.path, "--report", report.path, "--format", "txt"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("odd number of coordinates"), r.stdout)
        XCTAssertTrue(r.stdout.contains("fewer than 3 points"), r.stdout)
        XCTAssertTrue(r.stdout.contains("outside the 1280x720 image"), r.stdout)
        XCTAssertTrue(r.stdout.contains("missing.jpg: missing image"), r.stdout)
        XCTAssertTrue(r.stdout.contains("../test/img_2.jpg: file_name leaves the image folder"), r.stdout)
        XCTAssertEqual(String(decoding: try Data(contentsOf: out.appendingPathComponent("label.txt")), as: UTF8.self),
                       "crops/test/img_2_4.png EXIT\n")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as! [String: Any]
        let totals = json["totals"] as! [String: Any]
        XCTAssertEqual(totals["ignored"] as? Int, 1)
        XCTAssertEqual(totals["skipped"] as? Int, 5)

        // --strict fails and leaves the earlier output as it was.
        r = try PrepProcess.run(["crops", hand.path, "-o", out.path, "--strict", "--format", "txt", "--vertical", "keep"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(String(decoding: try Data(contentsOf: out.appendingPathComponent("label.txt")), as: UTF8.self),
                       "crops/test/img_2_4.png EXIT\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasPrefix(".prep") }, [])
    }
}
