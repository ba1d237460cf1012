/// One text region found by `DBPostprocessor`: a flat polygon `[x1, y1, …]` in original-image
/// pixels (4 points for `quad`, the unclipped outline for `poly`) and its mean probability.
public struct DetectedText: Sendable, Equatable {
    public let polygon: [Double]
    public let score: Double
    public init(polygon: [Double], score: Double) { self.polygon = polygon; self.score = score }
}
