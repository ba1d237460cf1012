import PrepCore

/// A detector's confidence on an instance (`prep infer det`, `prep ocr`): `attributes["score"]`.
/// The detection writers of MMOCR 1.x, PaddleOCR, line-JSON and standard COCO write it as a
/// last `"score"` key when present (nothing changes for annotations without one), and their
/// readers take it back, so `prep eval det` ranks predictions by it.
extension TextInstance {
    /// `[("score", value)]` when the instance carries a numeric score, else empty.
    var scorePair: [(String, JSONValue)] {
        guard let s = attributes["score"], s.number != nil else { return [] }
        return [("score", s)]
    }

    /// The attributes holding `value` as the score (empty when it is not a number).
    static func scoreAttributes(_ value: JSONValue?) -> [String: JSONValue] {
        guard let n = value?.number else { return [:] }
        return ["score": .double(n)]
    }
}
