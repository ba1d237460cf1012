import Foundation
import XCTest
import PrepCore
import PrepFormats

/// `prep synthtext` against MMOCR 0.6.3's two SynthText converters on fixtures/synthtext-toy
/// (goldens in fixtures/expected/synthtext-toy from fixtures/tools/synthtext_golden.py), and on
/// fixtures/synthtext-quirks (entries the reference crashes on; expected outputs hand-checked:
/// the toy's lines with those entries left out).
final class SynthTextTests: XCTestCase {
    /// An LMDB as `key<TAB>value` lines in key order (the golden's form).
    func dump(_ url: URL) throws -> String {
        let env = try LMDBEnvironment(readingAt: url)
        var out = ""
        try env.read { r in
            try r.forEach { k, v in
                out += String(decoding: k, as: UTF8.self) + "\t" + String(decoding: v, as: UTF8.self) + "\n"
                return true
            }
        }
        return out
    }

    func run(_ root: URL, _ args: [String], status: Int32 = 0) throws -> PrepProcess.Result {
        let r = try PrepProcess.run(["synthtext", root.path] + args)
        XCTAssertEqual(r.status, status, r.stderr + r.stdout)
        return r
    }

    func testDetMatchesTheReferenceLMDB() throws {
        let out = try PrepProcess.tempDir(self)
        for nproc in ["1", "3"] {
            let dir = out.appendingPathComponent("n\(nproc)")
            try run(PrepProcess.fixture("synthtext-toy"), ["-o", dir.path, "--nproc", nproc, "-q"])
            XCTAssertEqual(try dump(dir.appendingPathComponent("synthtext.lmdb")), try golden("synthtext-toy", "synthtext.lmdb.tsv"))
        }
    }

    func testRecogMatchesTheReferenceCropsAndLabels() throws {
        let out = try PrepProcess.tempDir(self)
        let r = try run(PrepProcess.fixture("synthtext-toy"), ["--task", "recog", "-o", out.path, "--nproc", "2"])
        // The reference skips the crop of a box wholly outside the image silently.
        XCTAssertTrue(r.stdout.contains("image 2 (17/pyramid_22_0.jpg): recog: word 1 ('the'): empty crop"), r.stdout)
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: PrepProcess.fixture("expected/synthtext-toy/recog/crops.json"))) as! [String: [String: NSNumber]]
        var pngs: [String] = []
        for dir in ["8", "17"] {
            for f in try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent(dir).path) where f.hasSuffix(".png") {
                pngs.append("\(dir)/\(f)")
            }
        }
        XCTAssertEqual(pngs.sorted(), expected.keys.sorted())
        for (rel, v) in expected {
            let px = try ImageCodec.decode(file: out.appendingPathComponent(rel))
            XCTAssertEqual(["width": NSNumber(value: px.width), "height": NSNumber(value: px.height), "crc": NSNumber(value: CRC32.of(px.data))], v, rel)
            let txt = rel.replacingOccurrences(of: ".png", with: ".txt")
            XCTAssertEqual(try readText(out, txt), try golden("synthtext-toy", "recog/" + txt), txt)
        }
        // Beyond the reference: one label file naming every crop, in gt.mat order.
        let labels = try readText(out, "train_label.jsonl").split(separator: "\n")
        XCTAssertEqual(labels.count, 11)
        XCTAssertEqual(labels[0], #"{"filename": "8/ballet_106_0_0.png", "text": "Lines:"}"#)
        XCTAssertEqual(labels[5], #"{"filename": "8/ballet_106_0_5.png", "text": "café"}"#)
        XCTAssertEqual(labels[7], #"{"filename": "17/pyramid_22_0_0.png", "text": "of"}"#)
        XCTAssertEqual(labels[8], #"{"filename": "17/pyramid_22_0_2.png", "text": "end"}"#)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("synthtext.lmdb").path))
        try run(PrepProcess.fixture("synthtext-toy"), ["--task", "recog", "--format", "txt", "-o", out.path, "-q"])
        XCTAssertTrue(try readText(out, "train_label.txt").hasPrefix("8/ballet_106_0_0.png Lines:\n8/ballet_106_0_1.png I\n"))
    }

    func testQuirksAreSkippedAndReported() throws {
        let out = try PrepProcess.tempDir(self)
        let r = try run(PrepProcess.fixture("synthtext-quirks"), ["--task", "det", "recog", "-o", out.path])
        for expected in [
            "image 1 (8/missing_0.jpg): image missing",
            "image 3 (8/ballet_106_0.jpg): det: txt has 3 words but wordBB has 2 boxes",
            "image 5 (8/ballet_106_1.jpg): det: txt has 5 characters in words but charBB has 4 boxes",
            "image 8 (loose.jpg): image missing",
            "image 9 (): its imnames cell is a 1×1 double array, not text",
        ] { XCTAssertTrue(r.stdout.contains(expected), expected + "\n" + r.stdout) }
        // Keys stay consecutive: the toy's four images with the single-character image (a 2-D
        // charBB, which crashes the reference's recog) in its place.
        let toy = try golden("synthtext-toy", "synthtext.lmdb.tsv").split(separator: "\n").map { String($0.split(separator: "\t")[1]) }
        let single = #"{"file_name": "17/pyramid_22_1.jpg", "height": 100, "width": 150, "annotations": [{"iscrowd": 0, "category_id": 1, "bbox": [10.0, 10.0, 40.0, 20.0], "segmentation": [[10, 10, 50, 10, 50, 30, 10, 30]]}]}"#
        let values = [toy[0], toy[1], toy[2], single, toy[3]]
        let expected = values.enumerated().map { "\($0.offset)\t\($0.element)\n" }.joined() + "total_number\t5\n"
        XCTAssertEqual(try dump(out.appendingPathComponent("synthtext.lmdb")), expected)
        // The single-character image and the next one share a name: the first's crop stays.
        XCTAssertEqual(try readText(out, "17/pyramid_22_1_0.txt"), "A\n0 0 40 0 40 20 0 20\n")
        XCTAssertTrue(r.stdout.contains("image 7 (17/pyramid_22_1.jpg): recog: 17/pyramid_22_1_0.png was already written"), r.stdout)
        XCTAssertEqual(try readText(out, "17/pyramid_22_1_1.txt"), try golden("synthtext-toy", "recog/17/pyramid_22_1_1.txt"))

        // --strict: nothing is written.
        let strictOut = try PrepProcess.tempDir(self).appendingPathComponent("strict")
        try run(PrepProcess.fixture("synthtext-quirks"), ["-o", strictOut.path, "--strict", "-q"], status: 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: strictOut.appendingPathComponent("synthtext.lmdb").path))
    }

    func testCOCOJSONOption() throws {
        let out = try PrepProcess.tempDir(self)
        try run(PrepProcess.fixture("synthtext-toy"), ["--coco-json", "-o", out.path, "-q"])
        let coco = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("instances_training.json"))) as! [String: Any]
        let images = coco["images"] as! [[String: Any]]
        let anns = coco["annotations"] as! [[String: Any]]
        XCTAssertEqual(images.map { $0["file_name"] as! String }, ["8/ballet_106_0.jpg", "8/ballet_106_1.jpg", "17/pyramid_22_0.jpg", "17/pyramid_22_1.jpg"])
        XCTAssertEqual(images[0]["width"] as? Int, 200)
        XCTAssertEqual(anns.count, 12)
        // The same bbox and segmentation as the LMDB; area = the word quad's area; ids from 0.
        XCTAssertEqual(anns[1]["bbox"] as? [Double], [70, 12, 10, 18])
        XCTAssertEqual(anns[1]["segmentation"] as? [[Int]], [[70, 12, 80, 12, 80, 30, 70, 30]])
        XCTAssertEqual(anns[1]["area"] as? Double, 180)
        XCTAssertEqual(anns[11]["image_id"] as? Int, 3)
        XCTAssertEqual(anns[11]["id"] as? Int, 11)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("synthtext.lmdb").path))
        let bad = try PrepProcess.run(["icdar2015", PrepProcess.fixture("icdar2015-toy").path, "--coco-json", "-o", out.path])
        XCTAssertEqual(bad.status, 2, bad.stderr)
    }

    /// `--task spotting`: the det geometry with each word's text, in its own COCO file beside
    /// the det LMDB.
    func testSpottingAddsTheWords() throws {
        let out = try PrepProcess.tempDir(self)
        try run(PrepProcess.fixture("synthtext-toy"), ["--task", "det", "spotting", "-o", out.path, "-q"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("synthtext.lmdb").path))
        let coco = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("spotting_instances_training.json"))) as! [String: Any]
        let anns = coco["annotations"] as! [[String: Any]]
        XCTAssertEqual(anns.count, 12)
        XCTAssertEqual(anns[1]["segmentation"] as? [[Int]], [[70, 12, 80, 12, 80, 30, 70, 30]])
        // gt.mat's words in order (the reference's recog crops them all but 'the', whose box is empty).
        XCTAssertEqual(anns.map { $0["text"] as? String ?? "" },
                       ["Lines:", "I", "lost", "Kevin", "will", "café", "hello", "of", "the", "end", "Gallery", "42"])
    }

    func testBadGTFilesStopTheRun() throws {
        for (fixture, message) in [("scipy_plain.mat", "not a SynthText gt.mat: no imnames, wordBB, charBB"),
                                   ("v73.mat", "a MATLAB v7.3 file (HDF5)"), ("not_mat.mat", "not a MATLAB v5 .mat file")] {
            let root = try PrepProcess.tempDir(self).appendingPathComponent(fixture)
            try FileManager.default.createDirectory(at: root.appendingPathComponent("imgs"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: PrepProcess.fixture("mat/" + fixture), to: root.appendingPathComponent("gt.mat"))
            let r = try run(root, ["-q"], status: 1)
            XCTAssertTrue(r.stderr.contains(root.appendingPathComponent("gt.mat").path + ": " + message), r.stderr)
        }
    }
}
