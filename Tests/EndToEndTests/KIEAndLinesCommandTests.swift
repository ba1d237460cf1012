import Foundation
import XCTest

/// `prep closeset-to-openset` and `prep coco-to-lines` against MMOCR 0.6.3's
/// `kie/closeset_to_openset.py` and `textdet/coco_to_line_dict.py` outputs on the same inputs
/// (fixtures/expected/kie-toy, fixtures/expected/coco-lines; see fixtures/README.md).
final class KIEAndLinesCommandTests: XCTestCase {
    func golden(_ rel: String) throws -> Data { try Data(contentsOf: PrepProcess.fixture("expected/" + rel)) }

    func testOpenSetMatchesReference() throws {
        let dir = try PrepProcess.tempDir(self)
        for (input, stem) in [("data.txt", "openset"), ("quirks.txt", "quirks_openset")] {
            for merge in [false, true] {
                let out = dir.appendingPathComponent("\(stem)\(merge).txt")
                let r = try PrepProcess.run(["closeset-to-openset", PrepProcess.fixture("kie-toy/" + input).path, out.path, "--quiet"]
                                            + (merge ? ["--merge"] : []))
                XCTAssertEqual(r.status, 0, r.stderr)
                XCTAssertEqual(try Data(contentsOf: out), try golden("kie-toy/\(stem)\(merge ? "--merge" : "").txt"), "\(input) merge=\(merge)")
            }
        }
    }

    func testOpenSetReportsBadLinesWithTheirNumber() throws {
        let dir = try PrepProcess.tempDir(self)
        let input = dir.appendingPathComponent("in.txt")
        try Data("""
        {"file_name": "a", "height": 1, "width": 2, "annotations": [{"label": 2}, {"label": 26}]}

        {"file_name": "b", "height": 1, "width": 2, "annotations": [{"label": 2}, {"label": 1}]}
        {"file_name": "c",
        """.utf8).write(to: input)
        let out = dir.appendingPathComponent("out.txt")
        let report = dir.appendingPathComponent("r.json")
        var r = try PrepProcess.run(["closeset-to-openset", input.path, out.path, "--report", report.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(String(decoding: try Data(contentsOf: out), as: UTF8.self),
                       "{\"file_name\": \"b\", \"height\": 1, \"width\": 2, \"annotations\": [{\"label\": 1, \"edge\": 1}, {\"label\": 2, \"edge\": 1}]}\n")
        XCTAssertTrue(r.stdout.contains("in.txt:1: annotations[1]: label 26 is not a close-set class"), r.stdout)
        XCTAssertTrue(r.stdout.contains("in.txt:2: blank line"), r.stdout)
        XCTAssertTrue(r.stdout.contains("in.txt:4: not valid JSON"), r.stdout)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as! [String: Any]
        XCTAssertEqual((json["issues"] as? [Any])?.count, 3)
        // --strict: nothing written.
        let out2 = dir.appendingPathComponent("out2.txt")
        r = try PrepProcess.run(["closeset-to-openset", input.path, out2.path, "--strict", "--quiet"])
        XCTAssertEqual(r.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out2.path))
    }

    func testWildReceiptKIETask() throws {
        let out = try PrepProcess.tempDir(self).appendingPathComponent("out")
        let root = PrepProcess.fixture("wildreceipt-toy")
        var r = try PrepProcess.run(["wildreceipt", root.path, "-o", out.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("openset_train.txt")), try golden("kie-toy/openset.txt"))
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("openset_test.txt")), try golden("kie-toy/quirks_openset.txt"))
        for f in ["train.txt", "test.txt", "class_list.txt", "dict.txt"] {
            XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent(f)), try Data(contentsOf: root.appendingPathComponent(f)), f)
        }
        // In place: only the open-set files are added, nothing raw is rewritten.
        let copy = try PrepProcess.tempDir(self).appendingPathComponent("wr")
        try FileManager.default.copyItem(at: root, to: copy)
        r = try PrepProcess.run(["wildreceipt", copy.path, "--task", "kie", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: copy.path).sorted(),
                       ["class_list.txt", "dict.txt", "openset_test.txt", "openset_train.txt", "test.txt", "tests", "train.txt"])
    }

    func testSynthTextCharMatchesReference() throws {
        let dir = try PrepProcess.tempDir(self)
        let root = PrepProcess.fixture("synthtext-char-toy")
        let out = dir.appendingPathComponent("train.txt")
        var r = try PrepProcess.run(["synthtext-char", root.path, root.appendingPathComponent("train_list.txt").path, out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Data(contentsOf: out), try golden("synthtext-char-toy/train.txt"))
        XCTAssertTrue(r.stdout.contains("train_list.txt:3: image imgs/gone.png is absent"), r.stdout)
        // More boxes than characters: that word is skipped with the line named.
        let bad = dir.appendingPathComponent("root")
        try FileManager.default.copyItem(at: root, to: bad)
        try Data("ab\n1 1 2 2\n3 3 4 4\n5 5 6 6\n".utf8).write(to: bad.appendingPathComponent("anns/ant_1_0.txt"))
        r = try PrepProcess.run(["synthtext-char", "--data-root", bad.path, "--in-path", bad.appendingPathComponent("train_list.txt").path,
                                 "--out-path", dir.appendingPathComponent("o2.txt").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("ant_1_0.txt:4: more character boxes than characters in 'ab'"), r.stdout)
    }

    /// WildReceipt's close-set files as det/recog data (hand-checked: no 0.x converter exists).
    func testWildReceiptDetAndRecog() throws {
        let root = try PrepProcess.tempDir(self).appendingPathComponent("wr")
        try FileManager.default.copyItem(at: PrepProcess.fixture("wildreceipt-toy"), to: root)
        let r = try PrepProcess.run(["wildreceipt", root.path, "--task", "det", "recog", "--split-list", "training", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let j = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("instances_training.json"))) as! [String: Any]
        let images = j["images"] as! [[String: Any]]
        XCTAssertEqual(images.map { $0["file_name"] as! String }, ["tests/data/kie_toy_dataset/wildreceipt/1.jpeg", "tests/data/kie_toy_dataset/wildreceipt/2.jpeg"])
        XCTAssertEqual(images.map { $0["width"] as! Int }, [1600, 348])
        let anns = j["annotations"] as! [[String: Any]]
        XCTAssertEqual(anns.count, 86)
        XCTAssertEqual(anns[0]["bbox"] as! [Double], [550, 104, 387, 86])
        XCTAssertTrue(try readText(root, "train_label.jsonl").hasPrefix("{\"filename\": \"training/1_1.png\", \"text\": \"SAFEWAY\"}\n"))
    }

    func testCOCOToLinesMatchesReference() throws {
        let dir = try PrepProcess.tempDir(self)
        for name in ["instances_training", "quirks"] {
            let out = dir.appendingPathComponent(name + ".txt")
            let r = try PrepProcess.run(["coco-to-lines", PrepProcess.fixture("coco-lines/\(name).json").path, out.path, "--quiet"])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(try Data(contentsOf: out), try golden("coco-lines/\(name).txt"), name)
        }
        // The reference's own spelling of the arguments.
        let out = dir.appendingPathComponent("x.txt")
        let r = try PrepProcess.run(["coco-to-lines", "--in-path", PrepProcess.fixture("coco-lines/quirks.json").path, "--out-path", out.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try Data(contentsOf: out), try golden("coco-lines/quirks.txt"))
    }

    func testCOCOToLinesWithoutAnnotationsAndBadInput() throws {
        let dir = try PrepProcess.tempDir(self)
        let input = dir.appendingPathComponent("in.json")
        try Data(#"{"images": [{"id": 3, "file_name": "é.jpg", "height": 2, "width": 4}, {"id": 4}]}"#.utf8).write(to: input)
        let out = dir.appendingPathComponent("out.txt")
        var r = try PrepProcess.run(["coco-to-lines", input.path, out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(String(decoding: try Data(contentsOf: out), as: UTF8.self),
                       "{\"file_name\": \"\\u00e9.jpg\", \"height\": 2, \"width\": 4, \"annotations\": []}\n")
        XCTAssertTrue(r.stdout.contains("images[1]: missing file_name, height, width"), r.stdout)

        try Data(#"{"images": [{"id": 3, "#.utf8).write(to: input)
        r = try PrepProcess.run(["coco-to-lines", input.path, dir.appendingPathComponent("o2.txt").path, "-q"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("in.json") && r.stderr.contains("not valid JSON"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("o2.txt").path))

        try Data(#"[1, 2]"#.utf8).write(to: input)
        r = try PrepProcess.run(["coco-to-lines", input.path, dir.appendingPathComponent("o3.txt").path, "-q"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("expected a COCO JSON object"), r.stderr)
    }

    /// `coco-to-lines` and `convert --to line-json` share `LineJSONWriter`: the first drops
    /// `text` as the reference's coco_to_line_dict.py (numbers passed through), the second keeps it.
    func testCOCOToLinesDropsTextConvertKeepsIt() throws {
        let dir = try PrepProcess.tempDir(self)
        let input = dir.appendingPathComponent("spotting.json")
        try Data(#"{"images": [{"file_name": "a.jpg", "height": 10, "width": 20, "segm_file": "gt_a.txt", "id": 0}], "categories": [{"id": 1, "name": "text"}], "annotations": [{"iscrowd": 0, "category_id": 1, "bbox": [1, 2, 3, 4], "area": 12.0, "text": "Hi", "segmentation": [[1, 2, 4, 2, 4, 6, 1, 6]], "image_id": 0, "id": 0}]}"#.utf8).write(to: input)
        let lines = dir.appendingPathComponent("lines.txt")
        var r = try PrepProcess.run(["coco-to-lines", input.path, lines.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try String(contentsOf: lines, encoding: .utf8),
                       #"{"file_name": "a.jpg", "height": 10, "width": 20, "annotations": [{"iscrowd": 0, "category_id": 1, "bbox": [1, 2, 3, 4], "segmentation": [[1, 2, 4, 2, 4, 6, 1, 6]]}]}"# + "\n")
        let converted = dir.appendingPathComponent("converted.jsonl")
        r = try PrepProcess.run(["convert", input.path, "-o", converted.path, "--to", "line-json", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try String(contentsOf: converted, encoding: .utf8).contains(#""segmentation": [[1, 2, 4, 2, 4, 6, 1, 6]], "text": "Hi"}"#))
    }
}
