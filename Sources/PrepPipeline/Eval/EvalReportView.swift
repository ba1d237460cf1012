import Foundation
import PrepCore
import PrepEval

/// How an evaluation is shown: the one-screen table, the `--report` JSON and the `--per-image`
/// JSON lines.
public struct EvalReportView {
    let task: EvalTask
    let evalProtocol: EvalProtocol
    let gt: (path: String, source: EvalSource)
    let pred: (path: String, source: EvalSource)
    let outcome: EvalJob.Outcome

    public init(task: EvalTask, protocol p: EvalProtocol, gt: (String, EvalSource), pred: (String, EvalSource), outcome: EvalJob.Outcome) {
        self.task = task
        self.evalProtocol = p
        self.gt = (gt.0, gt.1)
        self.pred = (pred.0, pred.1)
        self.outcome = outcome
    }

    static func fmt(_ v: Double) -> String {
        let r = (v * 10000).rounded() / 10000
        var s = String(r)
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < 4 { s += String(repeating: "0", count: 4 - decimals) }
        }
        return s
    }

    func worstItems(_ n: Int) -> [EvalJob.Item] {
        Array(outcome.items.enumerated().sorted { $0.element.loss != $1.element.loss ? $0.element.loss > $1.element.loss : $0.offset < $1.offset }
            .map(\.element).filter { $0.loss > 0 }.prefix(n))
    }

    public func table(worst: Int) -> String {
        var lines: [String] = []
        let unit = task == .recog ? "words" : "images"
        lines.append("prep eval \(task.rawValue) (\(evalProtocol.rawValue)): \(outcome.imagesScored) \(unit); GT \(gt.source.format), predictions \(pred.source.format)")
        for sweep in outcome.sweeps {
            lines.append("  \(sweep.name)   thr      precision  recall   hmean")
            for (i, row) in sweep.result.rows.enumerated() {
                let mark = i == sweep.result.bestIndex ? " *" : ""
                func col(_ t: String, _ w: Int) -> String { t.padding(toLength: w, withPad: " ", startingAt: 0) }
                lines.append("    " + col(String(format: "%.2f", row.threshold), 9) + col(Self.fmt(row.precision), 11)
                             + col(Self.fmt(row.recall), 9) + Self.fmt(row.hmean) + mark)
            }
            if sweep.result.repairedPolygons > 0 { lines.append("    \(sweep.result.repairedPolygons) invalid polygons repaired as the reference does (buffer(0)\(evalProtocol == .mmocr1 ? ", convex hull" : ""))") }
            if sweep.result.tooFewPoints > 0 { lines.append("    \(sweep.result.tooFewPoints) polygons with too few points counted as misses") }
        }
        for m in outcome.metrics { lines.append("  " + m.name.padding(toLength: 36, withPad: " ", startingAt: 0) + Self.fmt(m.value)) }
        let pr = outcome.pairing
        if !pr.onlyInGT.isEmpty { lines.append("  \(pr.onlyInGT.count) images without predictions: " + pr.onlyInGT.prefix(5).joined(separator: ", ") + (pr.onlyInGT.count > 5 ? ", …" : "")) }
        if !pr.onlyInPred.isEmpty { lines.append("  \(pr.onlyInPred.count) predicted images not in the GT: " + pr.onlyInPred.prefix(5).joined(separator: ", ") + (pr.onlyInPred.count > 5 ? ", …" : "")) }
        let problems = gt.source.problems + pred.source.problems + pr.problems
        if !problems.isEmpty {
            lines.append("  \(problems.count) problems (items skipped count as misses):")
            for p in problems.prefix(5) { lines.append("    " + p) }
            if problems.count > 5 { lines.append("    … (all in --report)") }
        }
        if worst > 0 {
            let w = worstItems(worst)
            lines.append("  worst \(w.count):")
            for item in w {
                let detail = item.fields.filter { ["gt", "pred", "recall", "wrong", "ned"].contains($0.0) }
                    .map { "\($0.0)=\(Self.describe($0.1))" }.joined(separator: " ")
                lines.append("    \(item.name)  \(detail)")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func describe(_ v: JSONValue) -> String {
        switch v {
        case .double(let d): return fmt(d)
        case .int(let i): return String(i)
        case .string(let s): return "\"\(s)\""
        case .bool(let b): return String(b)
        default: return PyJSON(ensureASCII: false).string(v)
        }
    }

    public func reportJSON(worst: Int) -> [UInt8] {
        var pairs: [(String, JSONValue)] = [
            ("command", .string("eval")), ("task", .string(task.rawValue)), ("protocol", .string(evalProtocol.rawValue)),
            ("gt", .object([("path", .string(gt.path)), ("format", .string(gt.source.format)), ("images", .int(gt.source.images.count))])),
            ("pred", .object([("path", .string(pred.path)), ("format", .string(pred.source.format)), ("images", .int(pred.source.images.count))])),
            ("metrics", .object(outcome.metrics.map { ($0.name, .double($0.value)) })),
        ]
        for sweep in outcome.sweeps {
            pairs.append((sweep.name + "_thresholds", .array(sweep.result.rows.map { r in
                .object([("threshold", .double(r.threshold)), ("precision", .double(r.precision)), ("recall", .double(r.recall)),
                         ("hmean", .double(r.hmean)), ("hits", .double(r.hitRecall)), ("gt", .int(r.gtCount)), ("pred", .int(r.predCount))])
            })))
            pairs.append((sweep.name + "_best_threshold", .double(sweep.result.best.threshold)))
            pairs.append((sweep.name + "_repaired_polygons", .int(sweep.result.repairedPolygons)))
            pairs.append((sweep.name + "_too_few_points", .int(sweep.result.tooFewPoints)))
        }
        pairs.append(("only_in_gt", .array(outcome.pairing.onlyInGT.map { .string($0) })))
        pairs.append(("only_in_pred", .array(outcome.pairing.onlyInPred.map { .string($0) })))
        pairs.append(("problems", .array((gt.source.problems + pred.source.problems + outcome.pairing.problems).map { .string($0) })))
        if worst > 0 { pairs.append(("worst", .array(worstItems(worst).map { .object($0.fields) }))) }
        var bytes = PyJSON(ensureASCII: false).encode(.object(pairs))
        bytes.append(0x0A)
        return bytes
    }

    /// The `--worst` items' names, one per line: what `prep show --only FILE` reads.
    public func worstNames(_ n: Int) -> [UInt8] {
        Array(worstItems(n).map { $0.name + "\n" }.joined().utf8)
    }

    public func perItemLines() -> [UInt8] {
        var out: [UInt8] = []
        let enc = PyJSON(ensureASCII: false)
        for item in outcome.items {
            out += enc.encode(.object(item.fields))
            out.append(0x0A)
        }
        return out
    }
}
