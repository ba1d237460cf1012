import Foundation
import PrepCore

/// WildReceipt-style KIE lines (MMOCR 0.x `openset.txt`/`train.txt`, what `prep` writes for
/// KIE): one JSON object per line, `{"file_name", "annotations": [{"box": [8 numbers], "text",
/// "label"}]}`. Ground truth and predictions alike (a prediction file carries predicted labels).
enum KIELines {
    static func read(_ url: URL) throws -> EvalSource {
        var images: [EvalImage] = [], problems: [String] = []
        try PaddlePredictions.lines(url, skipped: { problems.append($0) }) { text, loc in
            guard let v = try? JSONReader.parse(text), let name = v["file_name"]?.string, let anns = v["annotations"]?.array else {
                problems.append("\(loc): not a KIE line (JSON with file_name and annotations); skipped"); return
            }
            var out: [EvalInstance] = []
            for (k, a) in anns.enumerated() {
                guard let l = a["label"]?.number, l == l.rounded(), abs(l) < 1e9 else {
                    problems.append("\(loc) annotations[\(k)]: no integer label; counted as a miss")
                    out.append(EvalInstance(text: a["text"]?.string, label: -1)); continue
                }
                out.append(EvalInstance(polygon: EvalValues.flatPolygon(a["box"]) ?? [], text: a["text"]?.string, label: Int(l)))
            }
            images.append(EvalImage(name: name, instances: out, file: loc.path, line: loc.line))
        }
        return EvalSource(format: "kie-lines", images: images, problems: problems)
    }
}
