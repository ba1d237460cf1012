import Foundation
import PrepCore
import PrepEval

/// `prep eval`'s work: reads nothing itself (the command hands it two `EvalSource`s), pairs them,
/// runs the MMOCR metric of the task and protocol, and returns what the command prints and writes.
public struct EvalJob: Sendable {
    public struct Options: Sendable {
        public var task: EvalTask
        public var evalProtocol: EvalProtocol = .mmocr1
        public var strategy: HmeanIoU.Strategy = .vanilla
        /// Score thresholds to sweep (nil: the protocol's default 0.3 … 0.9).
        public var thresholds: [Double]?
        /// KIE: number of node classes and the ones left out of the mean (WildReceipt's defaults).
        public var numClasses = 26
        public var ignoredClasses: [Int] = [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 25]
        /// Keep per-image / per-word items (for `--per-image`, `--worst`); off saves time on big sets.
        public var collectItems = true
        public init(task: EvalTask) { self.task = task }
    }

    /// One item of `--per-image` / `--worst`: an image (det, spotting, kie) or a word (recog).
    public struct Item: Sendable {
        public var name: String
        /// How much the item loses (misses + false positives; 1-N.E.D. loss for words), for `--worst`.
        public var loss: Double
        public var fields: [(String, JSONValue)]
    }

    public struct Outcome: Sendable {
        /// Headline numbers with MMOCR's key names, in MMOCR's order.
        public var metrics: [(name: String, value: Double)] = []
        /// Detection-style sweeps: one per metric family (`icdar`, `hmean-iou`, `hmean-ic13`, `e2e_icdar`).
        public var sweeps: [(name: String, result: DetectionResult)] = []
        public var items: [Item] = []
        public var pairing: EvalPairing
        public var imagesScored = 0
    }

    public var options: Options
    public init(options: Options) { self.options = options }

    public func run(gt: EvalSource, pred: EvalSource) throws -> Outcome {
        let pairing = EvalPairing(gt: gt, pred: pred)
        var out = Outcome(pairing: pairing)
        out.imagesScored = pairing.pairs.count
        switch options.task {
        case .det, .spotting: detection(pairing, &out)
        case .recog: recognition(pairing, &out)
        case .kie: try kie(pairing, &out)
        }
        return out
    }

    private func samples(_ pairing: EvalPairing) -> [DetectionSample] {
        pairing.pairs.map { p in
            let gt = pairing.gt(p), pred = pairing.pred(p)
            return DetectionSample(gtPolygons: gt.map(\.polygon), gtIgnored: gt.map(\.ignore),
                                   predPolygons: pred.map(\.polygon), predScores: pred.map(\.score),
                                   gtTexts: gt.map { $0.text ?? "" }, predTexts: pred.map { $0.text ?? "" })
        }
    }

    private func detection(_ pairing: EvalPairing, _ out: inout Outcome) {
        let s = samples(pairing)
        let main: DetectionResult
        if options.task == .spotting {
            main = SpottingMetric(strategy: options.strategy, thresholds: options.thresholds).evaluate(s)
            out.sweeps = [("e2e_icdar", main)]
            out.metrics = [("e2e_icdar/precision", main.best.precision), ("e2e_icdar/recall", main.best.recall), ("e2e_icdar/hmean", main.best.hmean)]
        } else if options.evalProtocol == .mmocr1 {
            main = HmeanIoU(protocol: .mmocr1, strategy: options.strategy, thresholds: options.thresholds).evaluate(s)
            out.sweeps = [("icdar", main)]
            out.metrics = [("icdar/precision", main.best.precision), ("icdar/recall", main.best.recall), ("icdar/hmean", main.best.hmean)]
        } else {
            main = HmeanIoU(protocol: .mmocr0, strategy: options.strategy, thresholds: options.thresholds).evaluate(s)
            let ic13 = HmeanIC13(thresholds: options.thresholds ?? ScoreThresholds.mmocr0Default).evaluate(s)
            out.sweeps = [("hmean-iou", main), ("hmean-ic13", ic13)]
            out.metrics = [("hmean-iou:recall", main.best.recall), ("hmean-iou:precision", main.best.precision), ("hmean-iou:hmean", main.best.hmean),
                           ("hmean-ic13:recall", ic13.best.recall), ("hmean-ic13:precision", ic13.best.precision), ("hmean-ic13:hmean", ic13.best.hmean)]
        }
        for (p, r) in zip(pairing.pairs, main.perImage) {
            let missed = Double(r.gtCount) - r.hitRecall, wrong = Double(r.predCount) - r.hitPrecision
            guard options.collectItems else { break }
            let name = pairing.name(p)
            out.items.append(Item(name: name, loss: missed + wrong, fields: [
                ("image", .string(name)), ("gt", .int(r.gtCount)), ("pred", .int(r.predCount)),
                ("hits", .double(r.hitRecall)), ("recall", .double(r.recall)), ("precision", .double(r.precision)),
                ("hmean", .double(r.hmean)), ("threshold", .double(r.threshold)),
                ("in_gt", .bool(p.hasGT)), ("in_pred", .bool(p.hasPred)),
            ]))
        }
    }

    private func recognition(_ pairing: EvalPairing, _ out: inout Outcome) {
        var metric = RecognitionMetric()
        let words = pairing.pairs.filter(\.hasGT)
        let texts = words.map { p in
            (pred: p.hasPred ? pairing.predImages[p.pred].instances.first?.text ?? "" : "",
             gt: pairing.gtImages[p.gt].instances.first?.text ?? "")
        }
        // Pairs are scored in parallel, then summed in order (the NED sum's order is Python's).
        var scores = [RecognitionMetric.PairScore?](repeating: nil, count: texts.count)
        let chunk = 512
        scores.withUnsafeMutableBufferPointer { buf in
            let base = buf
            DispatchQueue.concurrentPerform(iterations: (texts.count + chunk - 1) / chunk) { c in
                for i in (c * chunk)..<min(texts.count, (c + 1) * chunk) {
                    base[i] = RecognitionMetric.score(prediction: texts[i].pred, groundTruth: texts[i].gt)
                }
            }
        }
        for (i, p) in words.enumerated() {
            let (pred, gt) = texts[i]
            let s = scores[i]!
            metric.add(s)
            guard options.collectItems else { continue }
            let name = pairing.name(p)
            out.items.append(Item(name: name, loss: s.normalizedEditDistance + (s.ignoreCaseSymbol ? 0 : 1), fields: [
                ("image", .string(name)), ("gt", .string(gt)), ("pred", .string(pred)),
                ("exact", .bool(s.exact)), ("ignore_case", .bool(s.ignoreCase)), ("ignore_case_symbol", .bool(s.ignoreCaseSymbol)),
                ("ned", .double(s.normalizedEditDistance)), ("in_pred", .bool(p.hasPred)),
            ]))
        }
        out.imagesScored = metric.counts.words
        out.metrics = metric.report(options.evalProtocol).map { ($0.name, $0.value) }
    }

    private func kie(_ pairing: EvalPairing, _ out: inout Outcome) throws {
        var preds: [Int] = [], gts: [Int] = []
        for p in pairing.pairs where p.hasGT {
            var wrong = 0
            let name = pairing.name(p), gt = pairing.gt(p), pred = pairing.pred(p)
            for (k, g) in gt.enumerated() {
                guard let gl = g.label, gl >= 0 else { continue }
                guard gl < options.numClasses else {
                    throw PrepError.input(file: name, line: nil, reason: "ground-truth label \(gl) is not below --num-classes \(options.numClasses)")
                }
                // A node without a prediction (or an out-of-range one) is a miss: -1 matches no class.
                var pl = k < pred.count ? (pred[k].label ?? -1) : -1
                if pl >= options.numClasses { pl = -1 }
                gts.append(gl); preds.append(pl)
                if pl != gl { wrong += 1 }
            }
            if gt.count != pred.count && p.hasPred {
                out.pairing.problems.append("\(name): \(gt.count) ground-truth nodes but \(pred.count) predicted; nodes pair by position")
            }
            out.items.append(Item(name: name, loss: Double(wrong), fields: [
                ("image", .string(name)), ("nodes", .int(gt.count)), ("wrong", .int(wrong)), ("in_pred", .bool(p.hasPred)),
            ]))
        }
        let ignored = Set(options.ignoredClasses)
        if options.evalProtocol == .mmocr1 {
            let r = KIEF1.mmocr1(predictions: preds, groundTruth: gts, numClasses: options.numClasses, ignored: ignored)
            out.metrics = [("kie/macro_f1", r.macroF1), ("kie/micro_f1", r.microF1)]
        } else {
            let r = KIEF1.mmocr0(predictions: preds, groundTruth: gts, numClasses: options.numClasses, ignored: ignored)
            out.metrics = [("macro_f1", r.macroF1)]
        }
    }
}
