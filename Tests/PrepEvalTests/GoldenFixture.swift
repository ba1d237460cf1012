import Foundation
import PrepEval

/// Reads fixtures/eval/golden_mmocr{0,1}.json, written by scripts/eval_golden.py from MMOCR's
/// own metric code (0.6.3 `mmocr/core/evaluation`, 1.x `mmocr/evaluation/metrics`).
enum GoldenFixture {
    static func load(_ name: String) throws -> [String: Any] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("fixtures/eval/\(name)"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static func doubles(_ a: Any?) -> [Double] { (a as? [Any] ?? []).map { ($0 as! NSNumber).doubleValue } }

    static func samples(_ images: [[String: Any]], minValues: Int = 0) -> [DetectionSample] {
        images.map { im in
            let gt = (im["gt"] as! [Any]).map(doubles)
            let ign = (im["ign"] as! [Any]).map { ($0 as! NSNumber).boolValue }
            var pred = (im["pred"] as! [Any]).map(doubles)
            var scores = doubles(im["scores"])
            if minValues > 0 {
                let keep = pred.indices.filter { pred[$0].count >= minValues }
                pred = keep.map { pred[$0] }; scores = keep.map { scores[$0] }
            }
            return DetectionSample(gtPolygons: gt, gtIgnored: ign, predPolygons: pred, predScores: scores)
        }
    }

    static func pairs(_ a: Any?) -> [(String, String)] {
        (a as! [Any]).map { let p = $0 as! [String]; return (p[0], p[1]) }
    }
}
