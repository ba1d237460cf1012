import Foundation
import PrepCore

/// The label audit: samples whose label the trained model contradicts with high confidence
/// (likely wrong text or a wrong crop), ranked by their CTC loss under the model, highest first.
///
/// Writes `audit.jsonl` (rank, name, where the sample was read from, label, prediction,
/// confidence, loss) and `audit/label.jsonl` + `audit/crops/` — a label file of the suspects
/// with their images, so `prep show RUN/audit/label.jsonl -o gallery` shows them (with the
/// label; the prediction rides along in an extra `prediction` key that label readers ignore).
public struct RecogLabelAudit {
    public struct Candidate: Sendable {
        public var name: String
        public var location: String
        public var label: String
        public var prediction: String
        public var confidence: Float
        public var loss: Float
        public var sourceIndex: Int
        public init(name: String, location: String, label: String, prediction: String, confidence: Float, loss: Float, sourceIndex: Int) {
            self.name = name; self.location = location; self.label = label; self.prediction = prediction
            self.confidence = confidence; self.loss = loss; self.sourceIndex = sourceIndex
        }
    }

    public var minConfidence: Float
    /// Labels are compared as the model sees them (lower-cased for DICT36).
    public var charset: Charset

    public init(minConfidence: Float, charset: Charset) {
        self.minConfidence = minConfidence
        self.charset = charset
    }

    /// The candidates of a predictor's outputs: every sample with a loss (a usable label).
    public static func candidates(_ outputs: [RecogPredictor.Output]) -> [Candidate] {
        outputs.compactMap { o in
            guard let loss = o.loss else { return nil }
            return Candidate(name: o.name, location: o.location, label: o.label, prediction: o.prediction.text,
                             confidence: o.prediction.score, loss: loss, sourceIndex: o.index)
        }
    }

    /// The suspects among `candidates`, ranked (loss descending, then name).
    public func suspects(_ candidates: [Candidate]) -> [Candidate] {
        candidates.filter { c in
            let label = charset.lowercase ? c.label.lowercased() : c.label
            return c.prediction != label && c.confidence >= minConfidence
        }.sorted { $0.loss != $1.loss ? $0.loss > $1.loss : $0.name < $1.name }
    }

    /// Writes the report and the gallery input into `folder` (a run folder's `audit.jsonl` and
    /// `audit/`); `image(k)` gives the encoded image of source index k.
    public func write(_ suspects: [Candidate], report: URL, folder: URL, image: (Int) throws -> [UInt8]) throws {
        let json = PyJSON(ensureASCII: false)
        var lines: [UInt8] = [], labels: [UInt8] = []
        let crops = folder.appendingPathComponent("crops")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: crops, withIntermediateDirectories: true)
        for (rank, s) in suspects.enumerated() {
            json.write(.object([("rank", .int(rank + 1)), ("name", .string(s.name)), ("location", .string(s.location)),
                                ("label", .string(s.label)), ("prediction", .string(s.prediction)),
                                ("confidence", .double((Double(s.confidence) * 1e4).rounded() / 1e4)),
                                ("loss", .double((Double(s.loss) * 1e4).rounded() / 1e4))]), to: &lines)
            lines.append(0x0A)
            guard let bytes = try? image(s.sourceIndex) else { continue }
            let ext = ImageFormat.sniff(bytes)?.rawValue ?? "img"
            let file = String(format: "%05d.", rank + 1) + (ext == "jpeg" ? "jpg" : ext)
            try RecogRunFolder.write(bytes, to: crops.appendingPathComponent(file))
            json.write(.object([("filename", .string("crops/" + file)), ("text", .string(s.label)), ("prediction", .string(s.prediction))]), to: &labels)
            labels.append(0x0A)
        }
        try RecogRunFolder.write(lines, to: report)
        try RecogRunFolder.write(labels, to: folder.appendingPathComponent("label.jsonl"))
    }
}
