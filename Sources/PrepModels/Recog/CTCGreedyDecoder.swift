import Foundation

/// Greedy CTC decoding as MMOCR does it (0.6.3 `CTCConvertor.tensor2idx`, 1.x
/// `CTCPostProcessor`; lean-core.md §4.6): per time step t < min(T, ⌈T·valid_ratio⌉) take the
/// most probable class (valid_ratio 1, every step, unless `validRatios` are given); keep a step when its class is neither the blank nor the previous
/// step's class (the previous class starts as the blank). A kept character's score is its
/// softmax probability; the word's score is the mean of its characters' scores (1.x
/// `TextRecInferencer.pred2dict`: `np.mean(score)`), 0 for an empty prediction (where numpy
/// would give NaN).
public struct CTCGreedyDecoder: Sendable {
    public let charset: Charset

    public init(charset: Charset) { self.charset = charset }

    public struct Prediction: Sendable, Equatable {
        public var text: String
        public var classes: [Int]
        public var characterScores: [Float]
        public var score: Float
    }

    /// Decodes `count` samples of raw logits laid out `N × T × C` (softmax taken here).
    /// `validRatios` cuts each sample to ⌈T·valid_ratio⌉ steps, as MMOCR does for models whose
    /// CTC loss saw only the valid steps (`flatten=False`). prep's recognizer leaves it nil: its
    /// training, like MMOCR's default `flatten=True`, covers every step of the padded width, and
    /// such a model may place a word's last character in the padding (RecogPredictorTests).
    public func decode(logits: [Float], count: Int, steps T: Int, validRatios: [Float]? = nil) -> [Prediction] {
        let C = charset.classCount
        precondition(logits.count == count * T * C, "logits do not match N × T × C")
        var out: [Prediction] = []
        out.reserveCapacity(count)
        logits.withUnsafeBufferPointer { p in
            for n in 0..<count {
                let ratio = validRatios?[n] ?? 1
                let valid = min(T, Int((Float(T) * ratio).rounded(.up)))
                var classes: [Int] = [], scores: [Float] = []
                var previous = Charset.blank
                for t in 0..<valid {
                    let row = p.baseAddress! + (n * T + t) * C
                    var best = 0
                    var maxv = row[0]
                    for c in 1..<C where row[c] > maxv { maxv = row[c]; best = c }
                    if best != Charset.blank && best != previous {
                        // softmax(row)[best] = 1 / Σ exp(row[c] − max).
                        var sum: Float = 0
                        for c in 0..<C { sum += expf(row[c] - maxv) }
                        classes.append(best)
                        scores.append(1 / sum)
                    }
                    previous = best
                }
                let score = scores.isEmpty ? 0 : scores.reduce(0, +) / Float(scores.count)
                out.append(Prediction(text: charset.decode(classes), classes: classes, characterScores: scores, score: score))
            }
        }
        return out
    }
}
