import Foundation
import PrepCore

/// MMOCR 1.x inferencer predictions (`ocr.py … --save_pred`, `MMOCRInferencer`): per image a
/// JSON object with `det_polygons` (flat lists), `det_scores`, `rec_texts`, `rec_scores` (the
/// single-task inferencers write `polygons`/`scores` and `text`/`scores`). Either one file per
/// image in a folder (`preds/img_1.json`: the file name names the image), or one file holding a
/// list of such objects (or `{"predictions": [...]}`), each naming its image in `img_path` /
/// `filename` / `file_name` when present, else paired with the ground truth by position.
enum MMOCRInferencerDump {
    static let format = "mmocr1-inferencer"

    static func readFolder(_ url: URL) throws -> EvalSource {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        let jsons = names.filter { $0.hasSuffix(".json") }.sorted()
        guard !jsons.isEmpty else {
            throw PrepError.usage("\(url.path): a folder that is neither an LMDB (no data.mdb) nor MMOCR inferencer predictions (no *.json files)")
        }
        var images: [EvalImage] = [], problems: [String] = []
        for name in jsons {
            let file = url.appendingPathComponent(name)
            let value = try parse(file)
            let stem = String(name.dropLast(5))
            images.append(image(value, name: stem, location: file.path, problems: &problems))
        }
        return EvalSource(format: format, images: images, problems: problems)
    }

    static func readFile(_ url: URL) throws -> EvalSource {
        let value = try parse(url)
        let list: [JSONValue]
        if let a = value.array { list = a }
        else if let a = value["predictions"]?.array { list = a }
        else {
            var problems: [String] = []
            let img = image(value, name: EvalImage.key(for: url.lastPathComponent), location: url.path, problems: &problems)
            return EvalSource(format: format, images: [img], problems: problems)
        }
        var images: [EvalImage] = [], problems: [String] = []
        for (i, v) in list.enumerated() {
            let named = v["img_path"]?.string ?? v["filename"]?.string ?? v["file_name"]?.string
            var img = image(v, name: named ?? "#\(i)", location: "\(url.path) [\(i)]", problems: &problems)
            if named == nil { img.key = "#\(i)" }
            images.append(img)
        }
        return EvalSource(format: format, images: images, problems: problems)
    }

    private static func parse(_ url: URL) throws -> JSONValue {
        let bytes: [UInt8]
        switch FileBytes.read(url.path) {
        case .success(let b): bytes = b
        case .failure(let f): throw PrepError.io(path: url.path, reason: f.reason)
        }
        do { return try JSONReader.parse(bytes) } catch {
            throw PrepError.input(file: url.path, line: nil, reason: "not JSON: \(error)")
        }
    }

    private static func image(_ v: JSONValue, name: String, location: String, problems: inout [String]) -> EvalImage {
        let polys = (v["det_polygons"] ?? v["polygons"])?.array ?? []
        let scores = (v["det_scores"] ?? (v["polygons"] != nil ? v["scores"] : nil))?.array ?? []
        var texts = v["rec_texts"]?.array?.map { $0.string ?? "" } ?? []
        if texts.isEmpty, let t = v["text"]?.string { texts = [t] }
        var out: [EvalInstance] = []
        if polys.isEmpty {
            // Recognition only: one word per image.
            for t in texts { out.append(EvalInstance(text: t)) }
        }
        for (k, p) in polys.enumerated() {
            guard let flat = EvalValues.flatPolygon(p) else {
                problems.append("\(location) det_polygons[\(k)]: not a list of numbers; skipped")
                continue
            }
            let score = k < scores.count ? (scores[k].number ?? .nan) : 1
            if let reason = EvalValues.problem(polygon: flat, score: score) {
                problems.append("\(location) det_polygons[\(k)]: \(reason); skipped")
                continue
            }
            out.append(EvalInstance(polygon: flat, text: k < texts.count ? texts[k] : nil, score: score))
        }
        return EvalImage(name: name, instances: out, location: location)
    }
}
