import Foundation
import XCTest

/// The JSON family on toy fixtures against MMOCR 0.6.3's converters (fixtures/expected/<name>-toy,
/// made by fixtures/tools/family_golden.py), and bad JSON input.
final class JSONFamilyTests: XCTestCase {
    func check(_ dataset: String, args: [String], det: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let fixture = "\(dataset)-toy"
        let root = try fixtureCopy(fixture)
        let r = try PrepProcess.run([dataset, root.path] + args + ["--nproc", "2", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        for f in det { XCTAssertEqual(try readText(root, f), try golden(fixture, f), "\(dataset) \(f)", file: file, line: line) }
    }

    func testArT() throws {
        try check("art", args: ["--val-ratio", "0.5"], det: ["instances_training.json", "instances_val.json"])
    }

    func testLSVTIgnoresOnlyIllegible() throws {
        try check("lsvt", args: ["--val-ratio", "0.5"], det: ["instances_training.json", "instances_val.json"])
    }

    func testCOCOText() throws { try check("cocotext", args: [], det: ["instances_training.json", "instances_val.json"]) }

    func testTextOCR() throws { try check("textocr", args: [], det: ["instances_training.json", "instances_val.json"]) }

    func testTextOCRBadPolygonAndMissingImage() throws {
        let root = try fixtureCopy("textocr-toy")
        let ann = root.appendingPathComponent("TextOCR_0.1_val.json")
        var text = try readText(root, "TextOCR_0.1_val.json")
        // An odd value count in one word's points: its image is skipped and named.
        text = text.replacingOccurrences(of: #""points": [3.7, 4.2, 33.7, 4.2, 33.7, 12.2, 3.7, 12.2]"#, with: #""points": [3.7, 4.2, 33.7, 4.2, 33.7]"#)
        try Data(text.utf8).write(to: ann)
        try FileManager.default.removeItem(at: root.appendingPathComponent("train/0b3aa5a0dd24c20d.jpg"))
        let r = try PrepProcess.run(["textocr", root.path, "--task", "spotting"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("TextOCR_0.1_val.json: imgs[ff00ab12cd34ef56]: anns[ff00ab12cd34ef56_1]: 'points' has 5 values"), r.stdout)
        XCTAssertTrue(r.stdout.contains("imgs[0b3aa5a0dd24c20d]: image ./train/0b3aa5a0dd24c20d.jpg is absent"), r.stdout)
        let j = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("spotting_instances_training.json"))) as! [String: Any]
        XCTAssertEqual((j["annotations"] as! [[String: Any]]).map { $0["text"] as! String }, ["Wörd 0", ".", "Wörd 2"])
    }

    func testHierTextLineLevelMatchesReference() throws {
        try check("hiertext", args: ["--level", "line"], det: ["instances_training.json", "instances_val.json"])
    }

    func testHierTextWordsGzipAndOfficialNames() throws {
        let root = try fixtureCopy("hiertext-toy")
        // Word level: the words themselves (the reference repeats the line polygon per word).
        var r = try PrepProcess.run(["hiertext", root.path, "--task", "spotting", "--split-list", "training", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("spotting_instances_training.json"))) as! [String: Any]
        let anns = j["annotations"] as! [[String: Any]]
        XCTAssertEqual(anns.map { $0["text"] as! String }, ["Hello", "big", "world", "Hello", "big", "world", ""])
        XCTAssertEqual((anns[1]["segmentation"] as! [[Int]])[0], [28, 6, 48, 6, 48, 16, 28, 16])
        XCTAssertEqual(anns[6]["iscrowd"] as? Int, 1)
        // The official validation.jsonl name, gzipped.
        let ann = root.appendingPathComponent("annotations")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = [ann.appendingPathComponent("val.jsonl").path]
        try p.run(); p.waitUntilExit()
        try FileManager.default.moveItem(at: ann.appendingPathComponent("val.jsonl.gz"), to: ann.appendingPathComponent("validation.jsonl.gz"))
        r = try PrepProcess.run(["hiertext", root.path, "--level", "line", "--split-list", "val", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try readText(root, "instances_val.json"),
                       try golden("hiertext-toy", "instances_val.json").replacingOccurrences(of: "annotations/val.jsonl", with: "annotations/validation.jsonl.gz"))
        r = try PrepProcess.run(["hiertext", root.path, "--level", "sentence", "-q"])
        XCTAssertEqual(r.status, 2, r.stderr)
    }

    func testIMGUR5K() throws {
        try check("imgur5k", args: [], det: ["instances_train.json", "instances_val.json", "instances_test.json"])
        // The angle is read whole: 5.27 stays 5.27 (the reference reads 5.2).
        let root = try fixtureCopy("imgur5k-toy")
        let ann = root.appendingPathComponent("annotations/imgur5k_annotations_test.json")
        try Data(try readText(root, "annotations/imgur5k_annotations_test.json")
            .replacingOccurrences(of: "[40.5, 20.25, 50.0, 12.0, 0.0]", with: "[40.0, 20.0, 50.0, 10.0, 90]").utf8).write(to: ann)
        let r = try PrepProcess.run(["imgur5k", root.path, "--split-list", "test", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("instances_test.json"))) as! [String: Any]
        // A 50×10 box turned by 90° (a whole angle; the reference's slice would read "9").
        XCTAssertEqual(((j["annotations"] as! [[String: Any]])[0]["bbox"] as! [Int]), [35, 0, 10, 45])
    }

    func testNAF() throws {
        try check("naf", args: [], det: ["instances_training.json", "instances_val.json", "instances_test.json"])
        let root = try fixtureCopy("naf-toy")
        try FileManager.default.removeItem(at: root.appendingPathComponent("annotations/groups/g2/004225566_00006.json"))
        let r = try PrepProcess.run(["naf", root.path, "--task", "spotting", "--split-list", "training"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("004225566_00006.json: missing ground truth for 004225566_00006.jpg"), r.stdout)
        XCTAssertTrue(r.stdout.contains("missing_00001.jpg is absent"), r.stdout)
        XCTAssertTrue(try readText(root, "spotting_instances_training.json").contains("\"text\": \"J. Doe\""))
    }

    /// NAF recognition: field boxes with transcriptions, cleaned and filtered as the reference's
    /// textrecog/naf_converter.py; labels and crop pixels equal its output on the fixture
    /// (expected/naf-toy/recog, family_golden.py; its vertical training crop's label is listed
    /// in ignores/train_label.jsonl, documented fix).
    func testNAFRecognitionMatchesReference() throws {
        let root = try fixtureCopy("naf-toy")
        let r = try PrepProcess.run(["naf", root.path, "--task", "det", "recog", "--nproc", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for f in ["instances_training.json", "instances_val.json", "instances_test.json"] {
            XCTAssertEqual(try readText(root, f), try golden("naf-toy", f), f)
        }
        for f in ["train_label.jsonl", "val_label.jsonl", "test_label.jsonl", "ignores/train_label.jsonl"] {
            XCTAssertEqual(try readText(root, f), try golden("naf-toy", "recog/" + f), f)
        }
        try assertCrops(root, equal: "expected/naf-toy/recog/crops.json")
        // What the reference skips silently is reported: a text that cleans to nothing, a box
        // outside the image.
        XCTAssertTrue(r.stdout.contains("imgs/007182398_00026.jpg: instance 8 ('gone'): box lies outside the 120x90 image"), r.stdout)
        XCTAssertTrue(r.stdout.contains("imgs/007182398_00026.jpg: instance 5: empty transcription"), r.stdout)
        // txt labels, raw UTF-8.
        let r2 = try PrepProcess.run(["naf", root.path, "--task", "recog", "--format", "txt", "--split-list", "training", "-q"])
        XCTAssertEqual(r2.status, 0, r2.stderr)
        XCTAssertTrue(try readText(root, "train_label.txt").contains("training/007182398_00026_7.png Édith\n"))
    }

    /// Recognition crops of the COCO-like and IMGUR datasets: one crop per legible word, named
    /// after the image, every label naming a file that exists (hand-checked counts).
    func testRecogCropsFromWholeFileDatasets() throws {
        for (dataset, label, expected) in [("cocotext", "train_label.jsonl", 2), ("textocr", "val_label.jsonl", 1), ("imgur5k", "test_label.jsonl", 3),
                                           ("lsvt", "train_label.jsonl", 11), ("hiertext", "val_label.jsonl", 3)] {
            let root = try fixtureCopy("\(dataset)-toy")
            let r = try PrepProcess.run([dataset, root.path, "--task", "recog", "-q"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let lines = try readText(root, label).split(separator: "\n")
            XCTAssertEqual(lines.count, expected, dataset)
            for line in lines {
                let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: String]
                XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("crops/" + obj["filename"]!).path), String(line))
            }
        }
    }

    func testMissingImageIsReported() throws {
        let root = try fixtureCopy("art-toy")
        let r = try PrepProcess.run(["art", root.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("train_labels.json: gt_9: image imgs/gt_9.jpg is absent"), r.stdout)
    }

    func testBadJSON() throws {
        let root = try fixtureCopy("art-toy")
        let ann = root.appendingPathComponent("annotations/train_labels.json")
        let good = try Data(contentsOf: ann)
        // Truncated: exit 1 with the byte position, nothing written.
        try good.prefix(good.count / 2).write(to: ann)
        var r = try PrepProcess.run(["art", root.path, "-q"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("train_labels.json") && r.stderr.contains("at byte"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("instances_training.json").path))
        // A BOM is accepted (the reference's json.load fails on it).
        try (Data([0xEF, 0xBB, 0xBF]) + good).write(to: ann)
        r = try PrepProcess.run(["art", root.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // Wrong top-level shape.
        try Data("[1, 2]".utf8).write(to: ann)
        r = try PrepProcess.run(["art", root.path, "-q"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("expected a JSON object"), r.stderr)
        // Wrong types and missing keys: that image is skipped with the key and instance named.
        try Data(#"{"gt_0": [{"transcription": "a", "points": [[1, 2], [3, 4], [5, 6]], "illegibility": false}], "gt_2": [{"points": "x"}], "gt_7": [{"transcription": 5, "points": [[1, 2], [3, 4], [5, 6]]}], "gt_10": [{"transcription": "b", "points": [[1, 2], [3, 4]]}]}"#.utf8).write(to: ann)
        r = try PrepProcess.run(["art", root.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("gt_2: instance 0: no 'points' list"), r.stdout)
        XCTAssertTrue(r.stdout.contains("gt_7: instance 0: no 'transcription' string"), r.stdout)
        XCTAssertTrue(r.stdout.contains("gt_10: instance 0: a polygon needs at least 3 points"), r.stdout)
        let j = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("instances_training.json"))) as! [String: Any]
        XCTAssertEqual((j["images"] as! [[String: Any]]).map { $0["file_name"] as! String }, ["gt_0.jpg"])
        // Missing annotation file: a layout error.
        try FileManager.default.removeItem(at: ann)
        r = try PrepProcess.run(["art", root.path, "-q"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("missing annotation file"), r.stderr)
    }
}
