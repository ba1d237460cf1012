/// MMOCR's recognition metrics: word accuracy (exact, ignore case, ignore case and symbols),
/// character precision/recall and 1-N.E.D. (../shared/reference/lean-core.md §1).
///
/// 0.6.3 `eval_ocr_metric` and 1.x `WordMetric` + `CharMetric` + `OneMinusNEDMetric` compute the
/// same numbers (same normalisation, same ε = 1e-8 denominators, same sequential float sums,
/// same 4-decimal rounding); they differ in key names only (`word_acc` vs `recog/word_acc`), which
/// `keys(for:)` gives. Lengths are Python code points (Unicode scalars).
public struct RecognitionMetric: Sendable {
    /// Running sums; add pairs one at a time (the dataset never needs to be in memory).
    public struct Counts: Sendable {
        public var words = 0
        public var exact = 0
        public var ignoreCase = 0
        public var ignoreCaseSymbol = 0
        public var gtChars = 0
        public var predChars = 0
        public var truePositiveChars = 0
        /// Sum of normalized edit distances, added in pair order (Python `sum` order).
        public var nedSum = 0.0
        public init() {}
    }

    /// One pair's outcome, for per-sample reports.
    public struct PairScore: Sendable {
        public var exact: Bool
        public var ignoreCase: Bool
        public var ignoreCaseSymbol: Bool
        public var gtChars: Int
        public var predChars: Int
        public var truePositiveChars: Int
        public var normalizedEditDistance: Double
    }

    public var counts = Counts()
    public init() {}

    /// Scores one (prediction, ground truth) pair and adds it to the sums.
    @discardableResult
    public mutating func add(prediction: String, groundTruth: String) -> PairScore {
        let s = Self.score(prediction: prediction, groundTruth: groundTruth)
        add(s)
        return s
    }

    public mutating func add(_ s: PairScore) {
        counts.words += 1
        if s.exact { counts.exact += 1 }
        if s.ignoreCase { counts.ignoreCase += 1 }
        if s.ignoreCaseSymbol { counts.ignoreCaseSymbol += 1 }
        counts.gtChars += s.gtChars
        counts.predChars += s.predChars
        counts.truePositiveChars += s.truePositiveChars
        counts.nedSum += s.normalizedEditDistance
    }

    public static func score(prediction: String, groundTruth: String) -> PairScore {
        let p = Array(prediction.unicodeScalars), g = Array(groundTruth.unicodeScalars)
        let pl = TextNormalizer.lower(p), gl = TextNormalizer.lower(g)
        let ps = pl.filter(TextNormalizer.isKept), gs = gl.filter(TextNormalizer.isKept)
        return PairScore(exact: p == g, ignoreCase: pl == gl, ignoreCaseSymbol: ps == gs,
                         gtChars: gs.count, predChars: ps.count,
                         truePositiveChars: SequenceMatcher.matchingCount(ps, gs),
                         normalizedEditDistance: Levenshtein.normalizedDistance(ps, gs))
    }

    /// The six values, unrounded, in MMOCR's order.
    public var raw: [(name: String, value: Double)] {
        let eps = 1e-8
        let n = Double(counts.words)
        return [
            ("word_acc", Double(counts.exact) / (eps + n)),
            ("word_acc_ignore_case", Double(counts.ignoreCase) / (eps + n)),
            ("word_acc_ignore_case_symbol", Double(counts.ignoreCaseSymbol) / (eps + n)),
            ("char_recall", Double(counts.truePositiveChars) / (eps + Double(counts.gtChars))),
            ("char_precision", Double(counts.truePositiveChars) / (eps + Double(counts.predChars))),
            ("1-N.E.D", 1.0 - counts.nedSum / Double(max(1, counts.words))),
        ]
    }

    /// The values as the reference reports them: rounded to 4 decimals, keyed for the protocol
    /// (`recog/…` for 1.x).
    public func report(_ p: EvalProtocol) -> [(name: String, value: Double)] {
        raw.map { (Self.key($0.name, p), MetricRounding.round4($0.value)) }
    }

    public static func key(_ name: String, _ p: EvalProtocol) -> String {
        p == .mmocr1 ? "recog/" + name : name
    }
}
