import Foundation
import XCTest
import PrepCore

/// `prep train det` → `prep infer det` → `prep eval det`, and `prep ocr` → labelme JSON →
/// `prep labelme`, on three tiny generated pages (bright bars as "words" on a dark page) with the
/// small DBNet at a 64-pixel crop, so the file runs in seconds; bad input.
final class DetCommandTests: XCTestCase {
    /// Three 96 × 64 pages and their MMOCR 1.x textdet annotation (with texts, for a recognizer).
    func pages(_ root: URL) throws -> URL { try DetTestPages.write(root) }

    func losses(_ metrics: String) throws -> [Double] {
        try String(contentsOfFile: metrics, encoding: .utf8).split(separator: "\n").compactMap {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["loss"] as? Double
        }
    }

    func testTrainInferEvalAndOCRToLabelme() throws {
        let root = try PrepProcess.tempDir(self)
        let ann = try pages(root)
        let run = root.appendingPathComponent("run").path
        var r = try PrepProcess.run(["train", "det", "--train", ann.path, "--val", ann.path, "-o", run, "--crop", "64", "--steps", "8",
                                     "--batch", "3", "--no-augment", "--lr", "0.003", "--val-scale", "96,96", "--nproc", "2"])
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        XCTAssertTrue(r.stdout.contains("trained step 8 of 8"), r.stdout)
        XCTAssertTrue(r.stdout.contains("validation: precision"), r.stdout)
        for f in ["config.yaml", "last.safetensors", "best.safetensors", "last.state.safetensors", "metrics.jsonl", "loss.png", "skipped.jsonl"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run + "/" + f), f)
        }
        let l = try losses(run + "/metrics.jsonl")
        XCTAssertEqual(l.count, 8)
        XCTAssertLessThan(l.suffix(3).reduce(0, +), l.prefix(3).reduce(0, +), "the loss should fall: \(l)")

        // Predictions (scores kept) that prep eval det reads.
        let pred = root.appendingPathComponent("pred/textdet_pred.json").path
        r = try PrepProcess.run(["infer", "det", run + "/last.safetensors", ann.path, "-o", pred, "--scale", "96,96", "--min-score", "0"])
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        r = try PrepProcess.run(["eval", "det", ann.path, pred])
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        XCTAssertTrue(r.stdout.contains("hmean"), r.stdout)

        // A recognizer, then prep ocr → labelme JSON per image → prep labelme reads them.
        let rec = root.appendingPathComponent("rec").path
        r = try PrepProcess.run(["train", "recog", "--train", ann.path, "--images", root.path, "-o", rec, "--model", "crnn-tiny",
                                 "--steps", "1", "--batch", "3", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        let lm = root.appendingPathComponent("labelme")
        r = try PrepProcess.run(["ocr", root.appendingPathComponent("imgs").path, "--det", run + "/last.safetensors", "--rec", rec + "/last.safetensors",
                                 "-o", lm.path, "--to", "labelme", "--scale", "96,96", "--min-score", "0"])
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        let files = try FileManager.default.contentsOfDirectory(atPath: lm.path).sorted()
        XCTAssertEqual(files, ["p0.json", "p1.json", "p2.json"])
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: lm.appendingPathComponent("p0.json"))) as? [String: Any]
        XCTAssertEqual(doc?["imagePath"] as? String, "../imgs/p0.png")
        XCTAssertEqual(doc?["imageWidth"] as? Int, 96)
        let out = root.appendingPathComponent("from-labelme").path
        r = try PrepProcess.run(["labelme", lm.path, root.appendingPathComponent("imgs").path, out, "--tasks", "det"])
        let shapes = (doc?["shapes"] as? [Any])?.count ?? 0
        // With regions found, prep labelme writes them; an empty pre-labelling has nothing to write.
        XCTAssertEqual(r.status, shapes > 0 ? 0 : 1, r.stderr + r.stdout)

        // A spotting file in MMOCR 1.x, read back by prep convert (text and score kept).
        let spot = root.appendingPathComponent("spot/textspotting.json").path
        r = try PrepProcess.run(["ocr", ann.path, "--det", run + "/last.safetensors", "--rec", rec + "/last.safetensors", "-o", spot,
                                 "--scale", "96,96", "--min-score", "0", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        let text = try String(contentsOfFile: spot, encoding: .utf8)
        XCTAssertTrue(text.contains("\"task_name\": \"textspotting\""), text)
        XCTAssertTrue(text.contains("\"img_path\": \"imgs/p0.png\""), text)
    }

    func testBadInput() throws {
        let root = try PrepProcess.tempDir(self)
        let ann = try pages(root)
        let rec = root.appendingPathComponent("rec").path
        var r = try PrepProcess.run(["train", "recog", "--train", ann.path, "--images", root.path, "-o", rec, "--model", "crnn-tiny",
                                     "--steps", "1", "--batch", "3", "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // A recognizer's checkpoint given as the detector: the missing tensor is named.
        r = try PrepProcess.run(["infer", "det", rec + "/last.safetensors", ann.path, "-o", root.appendingPathComponent("p.json").path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("tensor 'backbone.conv1.weight'") && r.stderr.contains("--rec"), r.stderr)
        r = try PrepProcess.run(["ocr", ann.path, "--det", rec + "/last.safetensors", "--rec", rec + "/last.safetensors",
                                 "-o", root.appendingPathComponent("o.json").path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("o.json").path))

        // An image that does not decode: skipped and reported, the others trained on / predicted.
        try Data("not a png".utf8).write(to: root.appendingPathComponent("imgs/zz-broken.png"))
        let broken = ann.deletingLastPathComponent().appendingPathComponent("with_broken.json")
        var text = try String(contentsOf: ann, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"data_list\": [", with: "\"data_list\": [{\"img_path\": \"imgs/zz-broken.png\", \"height\": 64, \"width\": 96, \"instances\": []}, ")
        try text.write(to: broken, atomically: true, encoding: .utf8)
        let run = root.appendingPathComponent("run").path
        r = try PrepProcess.run(["train", "det", "--train", broken.path, "-o", run, "--crop", "64", "--steps", "2", "--batch", "4"])
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        XCTAssertTrue(r.stdout.contains("zz-broken.png"), r.stdout)
        r = try PrepProcess.run(["infer", "det", run + "/last.safetensors", root.appendingPathComponent("imgs").path,
                                 "-o", root.appendingPathComponent("pred.json").path, "--scale", "96,96"])
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        XCTAssertTrue(r.stdout.contains("zz-broken.png") && r.stdout.contains("image skipped"), r.stdout)
        XCTAssertTrue(r.stdout.contains("on 3 image(s)"), r.stdout)
    }
}
