import Foundation
import PrepCore
import PrepFormats

/// Reads any ground-truth or prediction file `prep eval` accepts into an `EvalSource`:
///
/// - every annotation format prep reads (`AnnotationFormat`: COCO 0.x, standard COCO, MMOCR 1.x,
///   line-JSON, PaddleOCR det/rec, txt/jsonl labels, LMDB); an instance's `score` attribute is
///   its confidence where present;
/// - WildReceipt-style KIE lines (`{"file_name", "annotations": [{"box", "text", "label"}]}`);
/// - MMOCR 1.x inferencer dumps (`det_polygons`, `det_scores`, `rec_texts`, `rec_scores`), one
///   JSON per image in a folder (the file name names the image) or one JSON list;
/// - PaddleOCR `system_results.txt` / `predicts_det.txt` (`img<TAB>[{"points", "transcription",
///   "score"}]`) and `predicts_rec.txt` (`img<TAB>text<TAB>score`);
/// - an ICDAR Robust Reading submission zip (`res_img_1.txt`: `x1,y1,…,x4,y4[,score][,text]`).
///
/// Per-item problems (odd coordinate counts, NaN/inf, negative scores, non-UTF-8 lines) skip the
/// item and are listed; a file that is no known format is a usage error naming what was tried.
public enum EvalSourceReader {
    /// Reads the ground truth and the predictions at the same time (two files, two cores); the
    /// ground truth's error wins when both fail.
    public static func readPair(gt: URL, pred: URL, task: EvalTask) throws -> (gt: EvalSource, pred: EvalSource) {
        final class Box: @unchecked Sendable { var result: Result<EvalSource, Error>? }
        let g = Box(), p = Box()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            if i == 0 { g.result = Result { try read(gt, task: task) } } else { p.result = Result { try read(pred, task: task) } }
        }
        return (try g.result!.get(), try p.result!.get())
    }

    public static func read(_ url: URL, task: EvalTask) throws -> EvalSource {
        let path = url.path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw PrepError.io(path: path, reason: "no such file or folder")
        }
        if isDir.boolValue && !FileManager.default.fileExists(atPath: url.appendingPathComponent("data.mdb").path) {
            return try MMOCRInferencerDump.readFolder(url)
        }
        if !isDir.boolValue {
            if url.pathExtension.lowercased() == "zip" { return try ICDARSubmission.read(url, task: task) }
            let head = try firstLine(url)
            if head.hasPrefix("[") || (head.hasPrefix("{") && (head.contains("\"det_polygons\"") || head.contains("\"rec_texts\"") || head.contains("\"predictions\""))) {
                return try MMOCRInferencerDump.readFile(url)
            }
            if task == .kie && head.hasPrefix("{") && head.contains("\"annotations\"") && head.contains("\"label\"") {
                return try KIELines.read(url)
            }
            if let tab = head.firstIndex(of: "\t") {
                let rest = head[head.index(after: tab)...]
                if rest.hasPrefix("[") && (rest.contains("\"score\"") || !rest.contains("\"transcription\"")) {
                    return try PaddlePredictions.readDet(url)
                }
                if rest.split(separator: "\t", omittingEmptySubsequences: false).count == 2,
                   Double(rest.split(separator: "\t", omittingEmptySubsequences: false)[1]) != nil {
                    return try PaddlePredictions.readRec(url)
                }
            }
        }
        let found = try AnnotationFormat.detect(url)
        return try read(url, format: found.format, task: task, reason: found.reason)
    }

    static let dumpFormats = "MMOCR inferencer JSON (det_polygons/rec_texts), PaddleOCR system_results/predicts_*.txt, ICDAR submission .zip, KIE lines"

    /// Reads a file in one of prep's annotation formats.
    static func read(_ url: URL, format: AnnotationFormat, task: EvalTask, reason: String) throws -> EvalSource {
        let reader = try format.open(url)
        let wanted: AnnotationKind = task == .recog ? .recognition : .detection
        if reader.kind != wanted || task == .kie {
            throw PrepError.usage("\(url.path): read as \(format.rawValue) (\(reason)), a \(reader.kind.rawValue) format, which \(task.rawValue) cannot score; tried: \(dumpFormats), then prep's annotation formats")
        }
        var images: [EvalImage] = []
        var problems: [String] = []
        try reader.forEach(skipped: { problems.append($0.description) }) { record in
            var instances: [EvalInstance] = []
            for (k, inst) in record.instances.enumerated() {
                let score = inst.attributes["score"]?.number ?? 1
                if let reason = EvalValues.problem(polygon: inst.polygon, score: score) {
                    problems.append("\(record.location) instance \(k): \(reason); skipped")
                    continue
                }
                instances.append(EvalInstance(polygon: inst.polygon, text: inst.text, ignore: inst.ignore, score: score))
            }
            images.append(EvalImage(name: record.imagePath, instances: instances, file: record.location.file,
                                    line: record.location.line, element: record.location.element))
        }
        return EvalSource(format: format.rawValue, images: images, problems: problems)
    }

    static func firstLine(_ url: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { throw PrepError.io(path: url.path, reason: "cannot open for reading") }
        var head = [UInt8](handle.readData(ofLength: 1 << 16))
        try? handle.close()
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { head.removeFirst(3) }
        let text = String(decoding: head, as: UTF8.self)
        let line = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).first { !$0.allSatisfy(\.isWhitespace) }
        return line.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
    }
}

/// Checks shared by every reader: what makes a polygon or score unusable.
enum EvalValues {
    static func problem(polygon: [Double], score: Double) -> String? {
        if polygon.count % 2 != 0 { return "a polygon with an odd number of values (\(polygon.count))" }
        if polygon.contains(where: { !$0.isFinite }) { return "a polygon with NaN or infinite coordinates" }
        if !score.isFinite { return "score is NaN or infinite" }
        if score < 0 { return "negative score \(score)" }
        return nil
    }

    /// A flat `[x1, y1, …]` from `[x1, y1, …]` or `[[x1, y1], …]`; nil if it is neither.
    static func flatPolygon(_ v: JSONValue?) -> [Double]? {
        guard let a = v?.array else { return nil }
        var out: [Double] = []
        for e in a {
            if let n = e.number { out.append(n) }
            else if let p = e.array, p.count == 2, let x = p[0].number, let y = p[1].number { out += [x, y] }
            else { return nil }
        }
        return out
    }
}
