import XCTest
import PrepEval

/// Recognition and KIE metrics against MMOCR's own code (fixtures/eval/golden_mmocr{0,1}.json,
/// scripts/eval_golden.sh): 0.6.3 `eval_ocr_metric` (+ per pair `cal_true_positive_char` and
/// rapidfuzz's `normalized_distance`), 1.x `WordMetric`/`CharMetric`/`OneMinusNEDMetric`;
/// 0.6.3 `compute_f1_score` + numpy mean, 1.x `F1Metric` (macro, micro).
/// Cases: case, symbols, `^`, Unicode (ß, İ, final sigma, combining accents, fullwidth, CJK,
/// emoji), empty strings, ≥ 200-code-point lines (difflib autojunk), classes absent from GT.
final class RecognitionAndKIEGoldenTests: XCTestCase {
    func testMMOCR0RecognitionAndPerPairCounts() throws {
        let g = try GoldenFixture.load("golden_mmocr0.json")
        for (name, v) in (g["recog"] as! [String: Any]).sorted(by: { $0.key < $1.key }) {
            let entry = v as! [String: Any]
            let pairs = GoldenFixture.pairs(entry["pairs"])
            var m = RecognitionMetric()
            for ((p, gt), ref) in zip(pairs, entry["per_pair"] as! [[String: Any]]) {
                let s = m.add(prediction: p, groundTruth: gt)
                XCTAssertEqual(s.truePositiveChars, ref["tp"] as! Int, "\(name) TP \(p) / \(gt)")
                XCTAssertEqual(s.normalizedEditDistance, ref["ned"] as! Double, accuracy: 1e-12, "\(name) NED \(p) / \(gt)")
                XCTAssertEqual(s.gtChars, ref["gt_chars"] as! Int, "\(name) gt chars \(gt)")
                XCTAssertEqual(s.predChars, ref["pred_chars"] as! Int, "\(name) pred chars \(p)")
            }
            let expected = entry["result"] as! [String: Double]
            let mine = Dictionary(uniqueKeysWithValues: m.report(.mmocr0).map { ($0.name, $0.value) })
            XCTAssertEqual(Set(mine.keys), Set(expected.keys), name)
            for (k, v) in expected { XCTAssertEqual(mine[k]!, v, accuracy: 1e-9, "\(name) \(k)") }
        }
    }

    func testMMOCR1Recognition() throws {
        let g = try GoldenFixture.load("golden_mmocr1.json")
        for (name, v) in (g["recog"] as! [String: Any]).sorted(by: { $0.key < $1.key }) {
            let entry = v as! [String: Any]
            var m = RecognitionMetric()
            for (p, gt) in GoldenFixture.pairs(entry["pairs"]) { m.add(prediction: p, groundTruth: gt) }
            let expected = entry["result"] as! [String: Double]
            let mine = Dictionary(uniqueKeysWithValues: m.report(.mmocr1).map { ($0.name, $0.value) })
            XCTAssertEqual(Set(mine.keys), Set(expected.keys), name)
            for (k, v) in expected { XCTAssertEqual(mine[k]!, v, accuracy: 1e-9, "\(name) \(k)") }
        }
    }

    func testMMOCR0KIEMacroF1() throws {
        let g = try GoldenFixture.load("golden_mmocr0.json")
        for (name, v) in (g["kie"] as! [String: Any]).sorted(by: { $0.key < $1.key }) {
            let entry = v as! [String: Any]
            let c = entry["case"] as! [String: Any]
            let r = KIEF1.mmocr0(predictions: c["pred"] as! [Int], groundTruth: c["gt"] as! [Int],
                                 numClasses: c["num_classes"] as! Int, ignored: Set(c["ignored"] as! [Int]))
            XCTAssertEqual(r.macroF1, entry["macro_f1"] as! Double, accuracy: 1e-12, name)
            let ref = GoldenFixture.doubles(entry["per_class"])
            XCTAssertEqual(r.perClass.count, ref.count, name)
            for (a, b) in zip(r.perClass, ref) { XCTAssertEqual(Double(a.f1), b, accuracy: 1e-12, name) }
        }
    }

    func testMMOCR1KIEMacroAndMicroF1() throws {
        let g = try GoldenFixture.load("golden_mmocr1.json")
        for (name, v) in (g["kie"] as! [String: Any]).sorted(by: { $0.key < $1.key }) {
            let entry = v as! [String: Any]
            let c = entry["case"] as! [String: Any]
            let res = entry["result"] as! [String: Double]
            let r = KIEF1.mmocr1(predictions: c["pred"] as! [Int], groundTruth: c["gt"] as! [Int],
                                 numClasses: c["num_classes"] as! Int, ignored: Set(c["ignored"] as! [Int]))
            XCTAssertEqual(r.macroF1, res["kie/macro_f1"]!, accuracy: 1e-12, name)
            XCTAssertEqual(r.microF1, res["kie/micro_f1"]!, accuracy: 1e-12, name)
        }
    }
}
