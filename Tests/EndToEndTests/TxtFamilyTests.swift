import Foundation
import XCTest
import PrepCore

/// The per-image families — txt, XML and JSON (ICDAR 2011/2013, SROIE, VinText, BID, MTWI,
/// RCTW-17, IIIT-ILST, KAIST, FUNSD, ReCTS) — on their toy
/// fixtures against MMOCR 0.6.3's textdet/textrecog converters (fixtures/expected/<name>-toy, made
/// by fixtures/tools/family_golden.py, normalised only for prep's documented fixes).
final class TxtFamilyTests: XCTestCase {
    func check(_ dataset: String, det: [String], labels: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws {
        let fixture = "\(dataset)-toy"
        let root = try fixtureCopy(fixture)
        let r = try PrepProcess.run([dataset, root.path, "--task", "det"] + (labels.isEmpty ? [] : ["recog"]) + ["--nproc", "2", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        for f in det { XCTAssertEqual(try readText(root, f), try golden(fixture, f), "\(dataset) \(f)", file: file, line: line) }
        for f in labels {
            XCTAssertEqual(try readText(root, f), try golden(fixture, "recog/" + f), "\(dataset) \(f)", file: file, line: line)
        }
        if !labels.isEmpty { try assertCrops(root, equal: "expected/\(fixture)/recog/crops.json", file: file, line: line) }
    }

    func testICDAR2013() throws { try check("icdar2013", det: ["instances_training.json", "instances_test.json"]) }

    func testICDAR2011ReadsGIFInPlace() throws {
        try check("icdar2011", det: ["instances_training.json", "instances_test.json"])
        // The raw data is untouched (the reference converts the GIF to PNG and deletes it).
        let root = try fixtureCopy("icdar2011-toy")
        XCTAssertEqual(try PrepProcess.run(["icdar2011", root.path, "-q"]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("imgs/training/100.gif").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("imgs/training/100.png").path))
    }

    func testSROIE() throws {
        try check("sroie", det: ["instances_training.json", "instances_test.json"], labels: ["train_label.jsonl", "test_label.jsonl"])
    }

    func testVinText() throws {
        try check("vintext", det: ["instances_training.json", "instances_test.json", "instances_unseen_test.json"],
                  labels: ["train_label.jsonl", "test_label.jsonl", "unseen_test_label.jsonl", "ignores/train_label.jsonl"])
    }

    func testBID() throws { try check("bid", det: ["instances_training.json"], labels: ["training_label.jsonl"]) }

    func testMTWI() throws {
        try check("mtwi", det: ["instances_training.json"], labels: ["train_label.jsonl", "ignores/train_label.jsonl"])
    }

    func testRCTW() throws {
        try check("rctw", det: ["instances_training.json"], labels: ["train_label.jsonl", "ignores/train_label.jsonl"])
    }

    func testILST() throws {
        try check("ilst", det: ["instances_training.json"], labels: ["training_label.jsonl", "ignores/training_label.jsonl"])
    }

    func testKAIST() throws {
        try check("kaist", det: ["instances_training.json"], labels: ["train_label.jsonl", "ignores/train_label.jsonl"])
    }

    func testFUNSDPairsByNameAndDropsVertical() throws {
        try check("funsd", det: ["instances_training.json", "instances_test.json"], labels: ["train_label.jsonl", "test_label.jsonl"])
        // The reference's option spelling keeps the vertical crop.
        let root = try fixtureCopy("funsd-toy")
        let r = try PrepProcess.run(["funsd", root.path, "--task", "recog", "--preserve_vertical", "--split-list", "test", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try readText(root, "test_label.jsonl").contains("\"text\": \"Tall\""))
    }

    func testReCTS() throws {
        try check("rects", det: ["instances_training.json"], labels: ["train_label.jsonl", "ignores/train_label.jsonl"])
    }

    func testCTW1500() throws {
        try check("ctw1500", det: ["instances_training.json", "instances_test.json"])
        // A test transcription keeps its commas.
        let root = try fixtureCopy("ctw1500-toy")
        let gt = root.appendingPathComponent("annotations/test/0001001.txt")
        try Data(try readText(root, "annotations/test/0001001.txt").replacingOccurrences(of: "####Latin 9", with: "####Latin, 9").utf8).write(to: gt)
        let r = try PrepProcess.run(["ctw1500", root.path, "--split-list", "test", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try readText(root, "instances_test.json").contains("\"text\": \"Latin, 9\""))
    }

    func testTotalTextWithoutEval() throws {
        try check("totaltext", det: ["instances_training.json", "instances_test.json"])
        // A literal ',' stays a comma (the reference makes it an ignored '#'); code is never run.
        let root = try fixtureCopy("totaltext-toy")
        try Data("x: [[1 9 9 1]], y: [[1 1 5 5]], ornt: [u'h'], transcriptions: [u',']\nx: [[1 9 9 1]], y: [[6 6 9 9]], ornt: [u'h'], transcriptions: [u'__import__(\"os\")']\nx: [[1 9]], y: [[1 1]], ornt: [u'h'], transcriptions: [u'two']\n".utf8)
            .write(to: root.appendingPathComponent("annotations/test/poly_gt_img1001.txt"))
        var r = try PrepProcess.run(["totaltext", root.path, "--task", "spotting", "--split-list", "test"])
        // The test split's one image is skipped: nothing is written, which fails the run (issue 19).
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stdout.contains("poly_gt_img1001.txt:3: a polygon needs at least 3 points (has 2)"), r.stdout)
        try Data("x: [[1 9 9 1]], y: [[1 1 5 5]], ornt: [u'h'], transcriptions: [u',']\nx: [[1 9 9 1]], y: [[6 6 9 9]], ornt: [u'h'], transcriptions: [u'__import__(\"os\")']\n".utf8)
            .write(to: root.appendingPathComponent("annotations/test/poly_gt_img1001.txt"))
        r = try PrepProcess.run(["totaltext", root.path, "--task", "spotting", "--split-list", "test", "-q"])
        let j = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("spotting_instances_test.json"))) as! [String: Any]
        XCTAssertEqual((j["annotations"] as! [[String: Any]]).map { $0["text"] as! String }, [",", "__import__(\"os\")"])
        XCTAssertEqual((j["annotations"] as! [[String: Any]]).map { $0["iscrowd"] as! Int }, [0, 0])
    }

    /// SVT (one XML per split): det hand-checked (boxes clamped at 0, lower-cased words); recog
    /// against MMOCR 0.6.3's svt_converter.py (fixtures/tools/svt_golden.py): `image/img_NNNN.jpg`
    /// crops byte for byte, `<path> <text> <lexicon size> <lexicon>` lines in test_label.txt.
    func testSVT() throws {
        let root = try fixtureCopy("svt-toy")
        let r = try PrepProcess.run(["svt", root.path, "--task", "det", "recog"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("test.xml:10: image 1: image ./img/99_99.jpg is absent"), r.stdout)
        for f in ["test_label.txt", "train_label.txt"] {
            XCTAssertEqual(try readText(root, f), try golden("svt-toy", "recog/" + f), f)
        }
        for f in ["image/img_0001.jpg", "image_train/img_0001.jpg", "image_train/img_0002.jpg"] {
            XCTAssertEqual(try Data(contentsOf: root.appendingPathComponent(f)),
                           try Data(contentsOf: PrepProcess.fixture("expected/svt-toy/recog/" + f)), f)
        }
        let j = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("instances_training.json"))) as! [String: Any]
        let anns = j["annotations"] as! [[String: Any]]
        XCTAssertEqual(anns.map { $0["bbox"] as! [Int] }, [[5, 5, 50, 20], [0, 30, 26, 15]])
        XCTAssertEqual((j["images"] as! [[String: Any]]).first?["file_name"] as? String, "img/14_03.jpg")
        // An empty box is skipped and reported (the reference's cv2.imwrite raises); numbering stays contiguous.
        let xml = try readText(root, "train.xml").replacingOccurrences(of: "height=\"20\" width=\"50\"", with: "height=\"20\" width=\"0\"")
        try Data(xml.utf8).write(to: root.appendingPathComponent("train.xml"))
        let r2 = try PrepProcess.run(["svt", root.path, "--task", "recog", "--split-list", "training", "--format", "jsonl", "-o", root.appendingPathComponent("j").path])
        XCTAssertEqual(r2.status, 0, r2.stderr)
        XCTAssertTrue(r2.stdout.contains("instance 1 ('living'): degenerate box"), r2.stdout)
        XCTAssertEqual(try readText(root, "j/train_label.jsonl"),
                       "{\"filename\": \"image_train/img_0001.jpg\", \"text\": \"room\", \"lexicon\": \"living,room,theaters\"}\n")
        // --resize: 100x32 crops, byte for byte as the reference's cv2.resize + cv2.imwrite.
        let resized = root.appendingPathComponent("resized")
        let r3 = try PrepProcess.run(["svt", root.path, "--task", "recog", "--split-list", "test", "--resize", "-o", resized.path, "-q"])
        XCTAssertEqual(r3.status, 0, r3.stderr)
        XCTAssertEqual(try readText(resized, "test_label.txt"), try golden("svt-toy", "recog-resize/test_label.txt"))
        XCTAssertEqual(try Data(contentsOf: resized.appendingPathComponent("image/img_0001.jpg")),
                       try Data(contentsOf: PrepProcess.fixture("expected/svt-toy/recog-resize/image/img_0001.jpg")))
        XCTAssertEqual(try PrepProcess.run(["svt", root.path, "--task", "recog", "--width", "64", "-q"]).status, 2)
        XCTAssertEqual(try PrepProcess.run(["svt", root.path, "--resize", "-q"]).status, 2)
    }

    /// CTW1500 recog (no reference converter; hand-checked, fixtures/tools/ctw1500_recog_golden.py):
    /// MMOCR 1.x's bbox crop by default, the min-area-rect warp with --warp; `###` and empty texts
    /// give no crop and are counted.
    func testCTW1500Recog() throws {
        let root = try fixtureCopy("ctw1500-toy")
        let r = try PrepProcess.run(["ctw1500", root.path, "--task", "recog", "--report", root.appendingPathComponent("r.json").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try readText(root, "train_label.jsonl"),
                       "{\"filename\": \"training/0001_1.png\", \"text\": \"CURVE\"}\n{\"filename\": \"training/0002_1.png\", \"text\": \"CURVE\"}\n{\"filename\": \"training/0002_2.png\", \"text\": \"Sp ace\"}\n")
        XCTAssertEqual(try readText(root, "test_label.jsonl"),
                       "{\"filename\": \"test/1001_1.png\", \"text\": \"Latin 9\"}\n{\"filename\": \"test/1002_1.png\", \"text\": \"Tilt ed\"}\n")
        XCTAssertTrue(r.stdout.contains("imgs/test/1002.jpg: instance 2: empty transcription"), r.stdout)
        let rep = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("r.json"))) as! [String: Any]
        let rows = (rep["splits"] as! [[String: Any]]).map { ($0["name"] as? String ?? $0["split"] as? String ?? "", $0["ignored"] as? Int ?? -1) }
        XCTAssertTrue(rows.contains { $0.0 == "training recog" && $0.1 == 2 } && rows.contains { $0.0 == "test recog" && $0.1 == 1 }, "\(rows)")
        try assertCrops(root, equal: "expected/ctw1500-toy/recog/crops.json")
        let warped = root.appendingPathComponent("warp")
        let w = try PrepProcess.run(["ctw1500", root.path, "--task", "recog", "--warp", "-o", warped.path, "-q"])
        XCTAssertEqual(w.status, 0, w.stderr)
        try assertCrops(warped, equal: "expected/ctw1500-toy/recog/warp_crops.json")
        XCTAssertEqual(try PrepProcess.run(["ctw1500", root.path, "--warp", "-q"]).status, 2)
    }

    /// CTW1500 (per image): a short `segs` and malformed XML skip that image for det and recog,
    /// with file and line; SVT (one XML per split): malformed XML is structural, a clean exit 1.
    func testBadXMLInCTW1500AndSVT() throws {
        let root = try fixtureCopy("ctw1500-toy")
        try Data("<Annotations><image file=\"0001.jpg\"><box height=\"22\" left=\"5\" top=\"5\" width=\"60\"><label>A</label><segs>5,5,15</segs></box></image></Annotations>".utf8)
            .write(to: root.appendingPathComponent("annotations/training/0001.xml"))
        try Data("<Annotations><image>\n<box".utf8).write(to: root.appendingPathComponent("annotations/training/0002.xml"))
        let r = try PrepProcess.run(["ctw1500", root.path, "--task", "det", "recog", "--split-list", "training"])
        // Every training image is skipped: nothing is written, which fails the run (issue 19).
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("nothing was written"), r.stderr)
        // Twice in the list, once more in the one-line failure that quotes the first skip.
        XCTAssertEqual(r.stdout.components(separatedBy: "annotations/training/0001.xml:1: segs must be 28 integers (found 3 values)").count, 4, r.stdout)
        XCTAssertEqual(r.stdout.components(separatedBy: "annotations/training/0002.xml:2: not well-formed XML").count, 3, r.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("train_label.jsonl").path))
        let svt = try fixtureCopy("svt-toy")
        try Data("<tagset><image><imageName>img/15_01.jpg</imageName>\n<taggedRectangles/></image>\n<image>".utf8)
            .write(to: svt.appendingPathComponent("test.xml"))
        let s = try PrepProcess.run(["svt", svt.path, "--task", "recog"])
        XCTAssertEqual(s.status, 1, s.stdout)
        XCTAssertTrue(s.stderr.contains("test.xml:3: not well-formed XML"), s.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: svt.appendingPathComponent("train_label.txt").path))
    }

    func testBadXML() throws {
        let root = try fixtureCopy("ilst-toy")
        try Data("<annotation><object><name>a</name>\n<bndbox><xmin>1</xmin></bndbox>\n</annotation>".utf8)
            .write(to: root.appendingPathComponent("annotations/img0.xml"))
        try Data("<annotation><object><name></name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>9</xmax><ymax>7</ymax></bndbox></object></annotation>".utf8)
            .write(to: root.appendingPathComponent("annotations/img1.xml"))
        try Data("<annotation><object><name>x</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>z</xmax><ymax>7</ymax></bndbox></object>\n</annotation>".utf8)
            .write(to: root.appendingPathComponent("annotations/img2.xml"))
        let r = try PrepProcess.run(["ilst", root.path, "--task", "det", "spotting"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("annotations/img0.xml:3: not well-formed XML"), r.stdout)
        XCTAssertTrue(r.stdout.contains("annotations/img2.xml:1: bndbox/xmax is missing or not an integer"), r.stdout)
        // An empty name: ignored (iscrowd 1), where the reference crashes.
        let j = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("instances_training.json"))) as! [String: Any]
        XCTAssertEqual((j["images"] as! [[String: Any]]).map { $0["file_name"] as! String }, ["img1.jpg", "img3.jpg"])
        XCTAssertEqual((j["annotations"] as! [[String: Any]]).first?["iscrowd"] as? Int, 1)
    }

    func testSpottingAddsTranscriptions() throws {
        let root = try fixtureCopy("icdar2013-toy")
        let r = try PrepProcess.run(["icdar2013", root.path, "--task", "spotting", "--split-list", "test", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("spotting_instances_test.json"))) as! [String: Any]
        let anns = json["annotations"] as! [[String: Any]]
        XCTAssertEqual(anns.map { $0["text"] as? String }, ["Tired, ness", "x"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("instances_test.json").path))
    }

    func testValRatioSplitsPagesAndTheirCrops() throws {
        // Pattern A (MTWI): 1/R = 2 → images 0 and 2 (name order) go to val.
        let root = try fixtureCopy("mtwi-toy")
        var r = try PrepProcess.run(["mtwi", root.path, "--task", "det", "recog", "--val-ratio", "0.5", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        func names(_ f: String) throws -> [String] {
            let j = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent(f))) as! [String: Any]
            return (j["images"] as! [[String: Any]]).map { $0["file_name"] as! String }
        }
        XCTAssertEqual(try names("instances_val.json"), ["TB1_0abc.jpg.jpg", "TB1_2abc.jpg.jpg"])
        XCTAssertEqual(try names("instances_training.json"), ["TB1_1abc.jpg.jpg", "TB1_3abc.jpg.jpg"])
        XCTAssertTrue(try readText(root, "val_label.jsonl").hasPrefix("{\"filename\": \"val/TB1_0abc_1.png\""))
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("crops/val/TB1_2abc_1.png").path))
        // Pattern B (BID): the first ⌊n·R⌋ = 1 image; a ratio without a whole inverse: round(5·0.3) = 2 spread evenly.
        let bid = try fixtureCopy("bid-toy")
        r = try PrepProcess.run(["bid", bid.path, "--val-ratio", "0.2", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let b = try JSONSerialization.jsonObject(with: Data(contentsOf: bid.appendingPathComponent("instances_val.json"))) as! [String: Any]
        XCTAssertEqual((b["images"] as! [[String: Any]]).map { $0["file_name"] as! String }, ["00000000_in.jpg"])
        r = try PrepProcess.run(["bid", bid.path, "--val-ratio", "0.3", "-q"])
        let b3 = try JSONSerialization.jsonObject(with: Data(contentsOf: bid.appendingPathComponent("instances_val.json"))) as! [String: Any]
        XCTAssertEqual((b3["images"] as! [[String: Any]]).map { $0["file_name"] as! String }, ["00000001_in.jpg", "00000003_in.jpg"])
        // Seeded: the same seed, the same split; 2 of 5 in val.
        r = try PrepProcess.run(["bid", bid.path, "--val-ratio", "0.4", "--split-seed", "7", "-q"])
        let s1 = try readText(bid, "instances_val.json")
        r = try PrepProcess.run(["bid", bid.path, "--val-ratio", "0.4", "--split-seed", "7", "--nproc", "1", "-q"])
        XCTAssertEqual(try readText(bid, "instances_val.json"), s1)
        XCTAssertEqual(((try JSONSerialization.jsonObject(with: Data(s1.utf8)) as! [String: Any])["images"] as! [Any]).count, 2)
        // Usage errors: R outside (0, 1), val without a ratio, a ratio on a dataset with its own splits.
        for args in [["bid", bid.path, "--val-ratio", "1"], ["bid", bid.path, "--val-ratio", "0"],
                     ["bid", bid.path, "--split-list", "training", "val"], ["sroie", bid.path, "--val-ratio", "0.5"]] {
            XCTAssertEqual(try PrepProcess.run(args + ["-q"]).status, 2, args.joined(separator: " "))
        }
    }

    func testQuirksTheReferenceCrashesOn() throws {
        // VinText: BOM, blank lines, a bad coordinate (reported with its line), an orphan number.
        let root = try fixtureCopy("vintext-toy")
        let gt = root.appendingPathComponent("annotations/gt_2.txt")
        try Data("\u{FEFF}10,5,20,5,20,50,10,50,Dọc\n\n25,10,55,10,55,25,25,25,phở\n".utf8).write(to: gt)
        try Data("1,2,x,4,5,6,7,8,bad\n".utf8).write(to: root.appendingPathComponent("annotations/gt_1201.txt"))
        let r = try PrepProcess.run(["vintext", root.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("annotations/gt_1201.txt:1: coordinate 3 is not a number"), r.stdout)
        XCTAssertEqual(try readText(root, "instances_training.json"), try golden("vintext-toy", "instances_training.json"))
        // IC13: an image without ground truth and a ground truth without image are reported.
        let ic = try fixtureCopy("icdar2013-toy")
        try FileManager.default.removeItem(at: ic.appendingPathComponent("annotations/training/gt_101.txt"))
        try Data("1 2 3 4 \"a\"\n".utf8).write(to: ic.appendingPathComponent("annotations/training/gt_999.txt"))
        let r2 = try PrepProcess.run(["icdar2013", ic.path])
        XCTAssertEqual(r2.status, 0, r2.stderr)
        XCTAssertTrue(r2.stdout.contains("101.jpg: image has no annotation file"), r2.stdout)
        XCTAssertTrue(r2.stdout.contains("gt_999.txt: annotation file has no image"), r2.stdout)
    }
}
