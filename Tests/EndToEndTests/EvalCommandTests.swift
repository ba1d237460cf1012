import Foundation
import XCTest

/// `prep eval` end to end. Expected numbers: fixtures/eval/e2e/expected.json, written by
/// scripts/eval_fixtures.py with MMOCR 1.x's own HmeanIOUMetric, WordMetric, CharMetric,
/// OneMinusNEDMetric and F1Metric on the same ground truth and predictions.
final class EvalCommandTests: XCTestCase {
    let e2e = PrepProcess.fixture("eval/e2e")
    let icdar = PrepProcess.fixture("expected/icdar2015-toy")

    func expected() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: e2e.appendingPathComponent("expected.json"))) as! [String: Any]
    }

    func evalReport(_ args: [String], status: Int32 = 0) throws -> [String: Any] {
        let out = try PrepProcess.tempDir(self).appendingPathComponent("r.json")
        let r = try PrepProcess.run(["eval"] + args + ["--report", out.path])
        XCTAssertEqual(r.status, status, r.stderr + r.stdout)
        return try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as! [String: Any]
    }

    func assertMetrics(_ report: [String: Any], _ expected: [String: Any], _ label: String) {
        let got = report["metrics"] as! [String: Double]
        for (k, v) in expected { XCTAssertEqual(got[k] ?? -1, v as! Double, accuracy: 1e-9, "\(label) \(k)") }
    }

    /// Every prediction dump format against every detection GT format gives MMOCR's numbers.
    func testDetectionEveryFormatGivesMMOCRNumbers() throws {
        let exp = (try expected()["det"] as! [String: Any])
        for gt in ["textdet_test.json", "instances_test.json", "textspotting_test.json", "instances_test.jsonl"] {
            for pred in ["preds", "preds_list.json", "system_results.txt", "submit.zip"] {
                let rep = try evalReport(["det", icdar.appendingPathComponent(gt).path, e2e.appendingPathComponent(pred).path])
                assertMetrics(rep, exp["vanilla"] as! [String: Any], "\(gt) vs \(pred)")
                XCTAssertEqual((rep["only_in_gt"] as! [String]).count, 1, "\(gt) vs \(pred)")
                XCTAssertEqual((rep["only_in_pred"] as! [String]).count, 1, "\(gt) vs \(pred)")
                XCTAssertEqual((rep["icdar_thresholds"] as! [Any]).count, 7)
            }
        }
        let rep = try evalReport(["det", icdar.appendingPathComponent("textdet_test.json").path, e2e.appendingPathComponent("preds").path,
                                  "--strategy", "max_matching"])
        assertMetrics(rep, exp["max_matching"] as! [String: Any], "max_matching")
        // 0.6.3 names its keys its own way and adds hmean-ic13.
        let r0 = try evalReport(["det", icdar.appendingPathComponent("instances_test.json").path, e2e.appendingPathComponent("submit.zip").path, "--protocol", "mmocr0"])
        let m0 = r0["metrics"] as! [String: Double]
        XCTAssertEqual(Set(m0.keys), ["hmean-iou:recall", "hmean-iou:precision", "hmean-iou:hmean", "hmean-ic13:recall", "hmean-ic13:precision", "hmean-ic13:hmean"])
    }

    func testRecognitionAndKIEGiveMMOCRNumbers() throws {
        let exp = try expected()
        let rec = try evalReport(["recog", PrepProcess.fixture("expected/labelme-toy/train_label.jsonl").path, e2e.appendingPathComponent("predicts_rec.txt").path])
        assertMetrics(rec, exp["recog"] as! [String: Any], "recog")
        XCTAssertEqual(rec["only_in_gt"] as! [String], ["crops/img_8/crop_2.jpg"])
        // An LMDB as ground truth (the fixture's own labels as predictions: everything right).
        let lmdb = try evalReport(["recog", PrepProcess.fixture("lmdb/unicode/reference-label.lmdb").path, PrepProcess.fixture("lmdb/unicode/label.jsonl").path])
        XCTAssertEqual((lmdb["metrics"] as! [String: Double])["recog/word_acc"], 1.0)
        XCTAssertEqual((lmdb["gt"] as! [String: Any])["format"] as? String, "lmdb")
        let kie = try evalReport(["kie", PrepProcess.fixture("kie-toy/data.txt").path, e2e.appendingPathComponent("kie_pred.txt").path])
        assertMetrics(kie, exp["kie"] as! [String: Any], "kie")
        let kie0 = try evalReport(["kie", PrepProcess.fixture("kie-toy/data.txt").path, e2e.appendingPathComponent("kie_pred.txt").path, "--protocol", "mmocr0"])
        XCTAssertEqual(Array((kie0["metrics"] as! [String: Double]).keys), ["macro_f1"])
    }

    func testTablePerImageAndWorst() throws {
        let dir = try PrepProcess.tempDir(self)
        let per = dir.appendingPathComponent("per.jsonl")
        let r = try PrepProcess.run(["eval", "det", icdar.appendingPathComponent("textdet_test.json").path, e2e.appendingPathComponent("preds").path,
                                     "--per-image", per.path, "--worst", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for key in ["icdar/precision", "icdar/recall", "icdar/hmean", "0.30", "0.90", "worst 2:", "images without predictions: textdet_imgs/test/img_9.jpg"] {
            XCTAssertTrue(r.stdout.contains(key), "\(key) in\n\(r.stdout)")
        }
        let lines = try String(contentsOf: per, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 11)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        XCTAssertEqual(first["image"] as? String, "textdet_imgs/test/img_1.jpg")
        XCTAssertNotNil(first["recall"])
    }

    /// `--worst N --worst-out FILE` writes the images that lose most, one name per line (the
    /// report's `worst` list, in its order), and `prep show --only FILE` shows exactly those.
    func testWorstOutFeedsShowOnly() throws {
        let dir = try PrepProcess.tempDir(self)
        let worst = dir.appendingPathComponent("worst.txt"), report = dir.appendingPathComponent("r.json")
        let gt = icdar.appendingPathComponent("textdet_test.json").path, pred = e2e.appendingPathComponent("preds").path
        var r = try PrepProcess.run(["eval", "det", gt, pred, "--worst", "3", "--worst-out", worst.path, "--report", report.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let names = try String(contentsOf: worst, encoding: .utf8).split(separator: "\n").map(String.init)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as! [String: Any]
        XCTAssertEqual(names, (json["worst"] as! [[String: Any]]).map { $0["image"] as! String })
        XCTAssertEqual(names.count, 3)
        let gallery = dir.appendingPathComponent("gallery")
        r = try PrepProcess.run(["show", gt, "-o", gallery.path, "--only", worst.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("prep show: 3 items"), r.stdout)
        XCTAssertFalse(r.stdout.contains("not in"), r.stdout)
        let page = try String(contentsOf: gallery.appendingPathComponent("page-0001.html"), encoding: .utf8)
        XCTAssertEqual(page.components(separatedBy: "class=\"item\"").count - 1, 3)
        for name in names { XCTAssertTrue(page.contains("<b>\(name)</b>"), name) }
        // A listed image the input does not hold is counted; --worst-out needs --worst.
        try Data((names.joined(separator: "\n") + "\nnot/there.jpg\n").utf8).write(to: worst)
        r = try PrepProcess.run(["show", gt, "-o", gallery.path, "--only", worst.path])
        XCTAssertTrue(r.stdout.contains("1 image(s) of \(worst.path) not in"), r.stdout)
        r = try PrepProcess.run(["eval", "det", gt, pred, "--worst-out", worst.path])
        XCTAssertEqual(r.status, 2, r.stderr)
    }

    /// Bad input: per-item problems are listed and cost the score; an unknown format is a usage
    /// error (exit 2); a missing file exit 1.
    func testBadInput() throws {
        let bad = PrepProcess.fixture("eval/bad")
        let gt = icdar.appendingPathComponent("textdet_test.json").path
        let rep = try evalReport(["det", gt, bad.appendingPathComponent("paddle_bad.txt").path])
        let problems = (rep["problems"] as! [String]).joined(separator: "\n")
        for needle in ["paddle_bad.txt:1 [0]: points is not a list", "paddle_bad.txt:1 [1]: negative score", "paddle_bad.txt:3: not valid UTF-8",
                       "paddle_bad.txt:2: image img_1.jpg again"] {
            XCTAssertTrue(problems.contains(needle), "\(needle) in\n\(problems)")
        }
        let nan = try evalReport(["det", gt, bad.appendingPathComponent("nan.json").path])
        XCTAssertTrue((nan["problems"] as! [String]).joined().contains("NaN or infinite"))
        var r = try PrepProcess.run(["eval", "det", gt, bad.appendingPathComponent("unknown.txt").path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("tried: MMOCR inferencer JSON"), r.stderr)
        r = try PrepProcess.run(["eval", "det", gt, "/nonexistent/pred.json"])
        XCTAssertEqual(r.status, 1)
        r = try PrepProcess.run(["eval", "detection", gt, gt])
        XCTAssertEqual(r.status, 2)
        r = try PrepProcess.run(["eval", "det", gt, gt, "--protocol", "mmocr0", "--strategy", "max_matching"])
        XCTAssertEqual(r.status, 2)
    }
}
