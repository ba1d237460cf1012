import Foundation
import PrepEval

/// Scores predictions against labels with MMOCR's recognition metrics, as ordered
/// `(key, value)` pairs with MMOCR 0.x key names (`word_acc`, `word_acc_ignore_case`,
/// `word_acc_ignore_case_symbol`, `1-N.E.D`, …). The trainer's validation goes through this
/// protocol; `PrepEvalRecogScorer` (shared with `prep eval recog`) is the one it uses.
public protocol RecogMetricScorer: Sendable {
    func score(predictions: [String], labels: [String]) -> [(key: String, value: Double)]
    /// The key used to pick the best checkpoint (higher is better).
    var primaryKey: String { get }
}

/// MMOCR's recognition metrics through `PrepEval` (the code `prep eval recog` runs): the three
/// word accuracies, char recall/precision and 1-N.E.D., rounded to 4 decimals, 0.x key names.
public struct PrepEvalRecogScorer: RecogMetricScorer {
    public init() {}
    public var primaryKey: String { "word_acc" }

    public func score(predictions: [String], labels: [String]) -> [(key: String, value: Double)] {
        precondition(predictions.count == labels.count)
        var m = RecognitionMetric()
        for (p, g) in zip(predictions, labels) { _ = m.add(prediction: p, groundTruth: g) }
        return m.report(.mmocr0).map { ($0.name, $0.value) }
    }
}
