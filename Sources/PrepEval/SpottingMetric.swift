/// End-to-end (spotting) hmean as MMOCR 1.x `E2EHmeanIOUMetric` (`projects/ABCNet`; lean-core.md
/// §2.5) defines it: detection exactly as `HmeanIoU` (1.x protocol), and a greedy IoU pair counts
/// only when the transcriptions agree under `text_match`: both upper-cased (Python `str.upper()`),
/// then equal, or equal after dropping one special character `'!?.:,*"()·[]/` at the start
/// and/or end of the GT.
///
/// Done right where the reference is not (README, differences): text indexes stay aligned at
/// every threshold (the reference re-filters an already filtered list from the third threshold
/// on), an empty GT text is an ordinary mismatch (the reference raises IndexError), and
/// `max_matching` matches only pairs whose texts agree (the reference ignores texts there).
public struct SpottingMetric: Sendable {
    public var detection: HmeanIoU
    public static let specialCharacters: Set<Unicode.Scalar> = Set("'!?.:,*\"()·[]/".unicodeScalars)

    public init(strategy: HmeanIoU.Strategy = .vanilla, thresholds: [Double]? = nil) {
        detection = HmeanIoU(protocol: .mmocr1, strategy: strategy, thresholds: thresholds)
    }

    public func evaluate(_ samples: [DetectionSample]) -> DetectionResult {
        let gtUpper = samples.map { $0.gtTexts.map(Self.upper) }
        let predUpper = samples.map { $0.predTexts.map(Self.upper) }
        return detection.evaluate(detection.prepareAll(samples), textMatch: { i, g, p in
            guard g < gtUpper[i].count, p < predUpper[i].count else { return false }
            return Self.textMatch(gt: gtUpper[i][g], pred: predUpper[i][p])
        })
    }

    /// Python `str.upper()` (full mapping, e.g. ß → SS), as scalars.
    static func upper(_ s: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        for c in s.unicodeScalars {
            if c.value < 0x80 { out.append(c.value >= 97 && c.value <= 122 ? Unicode.Scalar(c.value - 32)! : c) }
            else { out.append(contentsOf: c.properties.uppercaseMapping.unicodeScalars) }
        }
        return out
    }

    /// `text_match(gt, pred)` with `only_remove_first_end_character=True`, on upper-cased texts.
    public static func textMatch(gt: [Unicode.Scalar], pred: [Unicode.Scalar]) -> Bool {
        if gt == pred { return true }
        guard let first = gt.first, let last = gt.last else { return false }
        let firstSpecial = specialCharacters.contains(first), lastSpecial = specialCharacters.contains(last)
        if firstSpecial && Array(gt.dropFirst()) == pred { return true }
        if lastSpecial && Array(gt.dropLast()) == pred { return true }
        if firstSpecial && lastSpecial && gt.count >= 2 && Array(gt.dropFirst().dropLast()) == pred { return true }
        return false
    }
}
