import Foundation
import PrepCore

/// PaddleOCR prediction dumps: `system_results.txt` (tools/infer/predict_system.py) and
/// `predicts_det.txt` (tools/infer_det.py): `img<TAB>[{"transcription", "points", "score"}]`;
/// `predicts_rec.txt` (tools/infer_rec.py): `img<TAB>text<TAB>score`.
enum PaddlePredictions {
    static func readDet(_ url: URL) throws -> EvalSource {
        var images: [EvalImage] = [], problems: [String] = []
        try lines(url, skipped: { problems.append($0) }) { text, loc in
            guard let tab = text.firstIndex(of: "\t") else { problems.append("\(loc): no tab; skipped"); return }
            let name = String(text[..<tab])
            guard let list = (try? JSONReader.parse(String(text[text.index(after: tab)...])))?.array else {
                problems.append("\(loc): the part after the tab is not a JSON list; skipped"); return
            }
            var out: [EvalInstance] = []
            for (k, e) in list.enumerated() {
                guard let flat = EvalValues.flatPolygon(e["points"]) else { problems.append("\(loc) [\(k)]: points is not a list of [x, y] pairs; skipped"); continue }
                let score = e["score"].map { $0.number ?? .nan } ?? 1
                if let reason = EvalValues.problem(polygon: flat, score: score) { problems.append("\(loc) [\(k)]: \(reason); skipped"); continue }
                let t = e["transcription"]?.string
                out.append(EvalInstance(polygon: flat, text: t, ignore: t == "###", score: score))
            }
            images.append(EvalImage(name: name, instances: out, file: loc.path, line: loc.line))
        }
        return EvalSource(format: "paddle-predictions", images: images, problems: problems)
    }

    static func readRec(_ url: URL) throws -> EvalSource {
        var images: [EvalImage] = [], problems: [String] = []
        try lines(url, skipped: { problems.append($0) }) { text, loc in
            // name<TAB>text<TAB>score: the first and the last tab (the text may hold tabs).
            let u = text.utf8
            guard let first = u.firstIndex(of: 9), let last = u.lastIndex(of: 9), first < last,
                  let score = Double(Substring(u[u.index(after: last)...])) else {
                problems.append("\(loc): expected img<TAB>text<TAB>score; skipped"); return
            }
            if let reason = EvalValues.problem(polygon: [], score: score) { problems.append("\(loc): \(reason); skipped"); return }
            let word = String(Substring(u[u.index(after: first)..<last]))
            images.append(EvalImage(name: String(Substring(u[..<first])), instances: [EvalInstance(text: word, score: score)],
                                    file: loc.path, line: loc.line))
        }
        return EvalSource(format: "paddle-rec-predictions", images: images, problems: problems)
    }

    /// `file:line`, spelled out only when a message needs it.
    struct LineLocation: CustomStringConvertible {
        let path: String
        let line: Int
        var description: String { "\(path):\(line)" }
    }

    /// Non-blank lines; a line that is not UTF-8 is listed and skipped.
    static func lines(_ url: URL, skipped: (String) -> Void, _ body: (String, LineLocation) throws -> Void) throws {
        let reader = try LineReader(url: url)
        let path = url.path
        while let line = reader.next() {
            let loc = LineLocation(path: path, line: line.number)
            let text: String
            do { text = try reader.decode(line) } catch { skipped("\(error); skipped"); continue }
            if text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            try body(text.hasSuffix("\r") ? String(text.dropLast()) : text, loc)
        }
    }
}
