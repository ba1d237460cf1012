import Foundation

/// Scores predictions against labels with MMOCR's recognition metrics, as ordered
/// `(key, value)` pairs with MMOCR 0.x key names (`word_acc`, `word_acc_ignore_case`,
/// `word_acc_ignore_case_symbol`, `1-N.E.D`, …). The trainer's validation goes through this
/// protocol so that `PrepEval`'s implementation (shared with `prep eval recog`) can be plugged
/// in; `InterimRecogMetrics` stands in until then.
public protocol RecogMetricScorer: Sendable {
    func score(predictions: [String], labels: [String]) -> [(key: String, value: Double)]
    /// The key used to pick the best checkpoint (higher is better).
    var primaryKey: String { get }
}

/// A stand-in for `PrepEval`'s recognition metrics (lean-core.md §1): the three word accuracies
/// and 1-N.E.D. (uniform Levenshtein over the normalised strings, ÷ the longer length), each
/// rounded to 4 decimals as MMOCR reports them. Char precision/recall (difflib matching) are
/// left to `PrepEval`. TEMPORARY: the lead switches the trainer to `PrepEval` at merge.
public struct InterimRecogMetrics: RecogMetricScorer {
    public init() {}
    public var primaryKey: String { "word_acc" }

    public func score(predictions: [String], labels: [String]) -> [(key: String, value: Double)] {
        precondition(predictions.count == labels.count)
        let n = Double(predictions.count)
        var exact = 0.0, ignoreCase = 0.0, ignoreSymbol = 0.0, ned = 0.0
        for (p, g) in zip(predictions, labels) {
            if p == g { exact += 1 }
            if p.lowercased() == g.lowercased() { ignoreCase += 1 }
            let ps = Self.strip(p.lowercased()), gs = Self.strip(g.lowercased())
            if ps == gs { ignoreSymbol += 1 }
            let m = max(ps.count, gs.count)
            if m > 0 { ned += Double(Self.levenshtein(ps, gs)) / Double(m) }
        }
        func r(_ v: Double) -> Double { (v * 10000).rounded(.toNearestOrEven) / 10000 }
        return [("word_acc", r(exact / (1e-8 + n))), ("word_acc_ignore_case", r(ignoreCase / (1e-8 + n))),
                ("word_acc_ignore_case_symbol", r(ignoreSymbol / (1e-8 + n))), ("1-N.E.D", r(1 - ned / max(1, n)))]
    }

    /// Keeps what MMOCR's `[^A-Z^a-z^0-9^\u4e00-\u9fa5]` keeps: ASCII letters and digits, the
    /// caret, and CJK U+4E00–U+9FA5 (code points).
    static func strip(_ s: String) -> [Unicode.Scalar] {
        s.unicodeScalars.filter { c in
            let v = c.value
            return (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) || (0x30...0x39).contains(v) || v == 0x5E || (0x4E00...0x9FA5).contains(v)
        }
    }

    static func levenshtein(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count), cur = prev
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
