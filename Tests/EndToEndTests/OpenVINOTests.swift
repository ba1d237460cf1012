import Foundation
import XCTest
import PrepCore

/// OpenVINO / Open Images v5 text (`prep openvino ROOT`, recognition only) against MMOCR 0.6.3's
/// textrecog/openvino_converter.py: goldens fixtures/expected/openvino-toy/ are the reference's
/// label files and crop pixels on fixtures/openvino-toy, normalised for prep's documented fixes
/// (image numbers from 0 in every subset; a box wholly outside its image left out), made by
/// fixtures/tools/make_openvino_fixtures.py --golden. The fixture's JPEGs are quality 95, so the
/// reference's "source quantisation" crops and prep's quality-95 crops decode to the same pixels.
final class OpenVINOTests: XCTestCase {
    let labels = ["train_1_label.txt", "train_2_label.txt", "train_5_label.txt", "train_f_label.txt", "val_label.txt"]

    /// Size and CRC-32 of the decoded pixels of every crop under the image_<subset> folders.
    func crops(_ root: URL) throws -> [String: [String: NSNumber]] {
        var got: [String: [String: NSNumber]] = [:]
        let fm = FileManager.default
        for dir in try fm.contentsOfDirectory(atPath: root.path) where dir.hasPrefix("image_") {
            for f in try fm.contentsOfDirectory(atPath: root.appendingPathComponent(dir).path) {
                let px = try ImageCodec.decode(file: root.appendingPathComponent(dir).appendingPathComponent(f))
                got["\(dir)/\(f)"] = ["width": NSNumber(value: px.width), "height": NSNumber(value: px.height),
                                      "crc": NSNumber(value: CRC32.of(px.data))]
            }
        }
        return got
    }

    func testLabelsAndCropPixelsMatchReference() throws {
        let root = try fixtureCopy("openvino-toy")
        let r = try PrepProcess.run(["openvino", root.path, "--nproc", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for f in labels { XCTAssertEqual(try readText(root, f), try golden("openvino-toy", f), f) }
        let exp = try JSONSerialization.jsonObject(with: Data(contentsOf: PrepProcess.fixture("expected/openvino-toy/crops.json"))) as! [String: [String: NSNumber]]
        let got = try crops(root)
        XCTAssertEqual(got.keys.sorted(), exp.keys.sorted())
        for (k, v) in exp { XCTAssertEqual(got[k], v, k) }
        // Boxes past the edge are padded black, as PIL's crop: 30×20 from a 90×60 image at (70, 50).
        XCTAssertEqual(exp["image_1/img_1_5.jpg"]?["width"], 30)
        XCTAssertEqual(exp["image_1/img_1_5.jpg"]?["height"], 20)
        // The box wholly outside is reported (the reference writes a black crop).
        XCTAssertTrue(r.stdout.contains("train_1/00021.jpg: instance 3 ('Outside'): box lies outside the 90x60 image"), r.stdout)
        // Illegible and non-English words are counted as ignored.
        XCTAssertTrue(r.stdout.contains("train_1 recog        3          7        5        1"), r.stdout)
    }

    /// One subset alone gets the names it gets in a full run; jsonl on request; a PNG source and
    /// an image without words work (the reference crashes on both).
    func testSubsetAlonePNGAndImageWithoutWords() throws {
        let root = try fixtureCopy("openvino-toy")
        var r = try PrepProcess.run(["openvino", root.path, "--split-list", "train_f", "--format", "jsonl", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try readText(root, "train_f_label.jsonl").split(separator: "\n").first,
                       #"{"filename": "image_f/img_0_2.jpg", "text": "Word7"}"#)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("train_1_label.txt").path))
        // train_5's image as a PNG, plus an image listed without annotations.
        let ann = root.appendingPathComponent("text_spotting_openimages_v5_train_5.json")
        var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: ann)) as! [String: Any]
        var images = doc["images"] as! [[String: Any]]
        let jpg = images[0]["file_name"] as! String
        let png = String(jpg.dropLast(4)) + ".png"
        let px = try ImageCodec.decode(file: root.appendingPathComponent(jpg))
        try Data(try ImageCodec.encodePNG(px)).write(to: root.appendingPathComponent(png))
        images[0]["file_name"] = png
        images.append(["id": 99, "file_name": jpg, "height": 60, "width": 90])
        doc["images"] = images
        try JSONSerialization.data(withJSONObject: doc).write(to: ann)
        r = try PrepProcess.run(["openvino", root.path, "--split-list", "train_5", "--strict", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try readText(root, "train_5_label.txt"), try golden("openvino-toy", "train_5_label.txt"))
        // The PNG page has no quantisation to keep: its crops are quality-95 JPEGs.
        let cropName = try XCTUnwrap(try readText(root, "train_5_label.txt").split(separator: " ").first.map(String.init))
        let crop = [UInt8](try Data(contentsOf: root.appendingPathComponent(cropName)))
        XCTAssertEqual(ImageCodec.quantisation(of: crop), ImageCodec.quantisation(of: try ImageCodec.encodeJPEG(px)))
        // An absent image shifts no other image's names (i is the position in the file).
        try FileManager.default.removeItem(at: root.appendingPathComponent("train_f/0007f.jpg"))
        r = try PrepProcess.run(["openvino", root.path, "--split-list", "train_f"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("text_spotting_openimages_v5_train_f.json: images[0]: image ./train_f/0007f.jpg is absent"), r.stdout)
        let trainF = try golden("openvino-toy", "train_f_label.txt").split(separator: "\n").filter { !$0.hasPrefix("image_f/img_0_") }
        XCTAssertEqual(try readText(root, "train_f_label.txt"), trainF.joined(separator: "\n") + "\n")
        // An annotation without a transcription: its image is skipped and named.
        var anns = doc["annotations"] as! [[String: Any]]
        anns[0]["attributes"] = ["legible": true, "language": "english"]
        doc["annotations"] = anns
        try JSONSerialization.data(withJSONObject: doc).write(to: ann)
        r = try PrepProcess.run(["openvino", root.path, "--split-list", "train_5"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("text_spotting_openimages_v5_train_5.json: images[0]: annotations[0]: no 'attributes.transcription' string"), r.stdout)
        // A missing annotation file is a layout error.
        try FileManager.default.removeItem(at: ann)
        r = try PrepProcess.run(["openvino", root.path, "--split-list", "train_5"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("text_spotting_openimages_v5_train_5.json"), r.stderr)
        // det is not a task of this dataset.
        XCTAssertEqual(try PrepProcess.run(["openvino", root.path, "--task", "det"]).status, 2)
    }

    /// A BOM is tolerated (the reference's json.load fails on it); a truncated file or a wrong
    /// top-level shape stops the run naming the file (and the byte), nothing written.
    func testBadJSON() throws {
        let root = try fixtureCopy("openvino-toy")
        let ann = root.appendingPathComponent("text_spotting_openimages_v5_train_2.json")
        let bytes = try Data(contentsOf: ann)
        try (Data([0xEF, 0xBB, 0xBF]) + bytes).write(to: ann)
        var r = try PrepProcess.run(["openvino", root.path, "--split-list", "train_2", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try readText(root, "train_2_label.txt"), try golden("openvino-toy", "train_2_label.txt"))
        let out = try PrepProcess.tempDir(self)
        try bytes.prefix(300).write(to: ann)
        r = try PrepProcess.run(["openvino", root.path, "-o", out.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("text_spotting_openimages_v5_train_2.json") && r.stderr.contains("at byte"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("train_1_label.txt").path))
        try Data("[1, 2]".utf8).write(to: ann)
        r = try PrepProcess.run(["openvino", root.path, "--split-list", "train_2", "-o", out.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("not an object at the top level"), r.stderr)
    }
}
