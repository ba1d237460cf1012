/// One batch for the CRNN: images as `N × C × H × W` floats (channel-major per image), CTC
/// targets concatenated with their lengths, and who the samples are (for reports).
public struct RecogBatch: Sendable {
    /// Position of this batch in its epoch (0-based).
    public var number: Int
    public var images: [Float]
    public var count: Int
    public var channels: Int
    public var height: Int
    public var width: Int
    /// Concatenated targets (PyTorch CTC's flattened form) and per-sample lengths.
    public var targets: [Int32]
    public var targetLengths: [Int32]
    /// min(1, resized width ÷ padded width) per sample (MMOCR's `valid_ratio`): kept for
    /// `CTCGreedyDecoder`'s `flatten=False` cut; training and prediction use every step.
    public var validRatios: [Float]
    /// Source indices, names and labels of the samples, in batch order.
    public var indices: [Int]
    public var names: [String]
    public var texts: [String]
    /// Samples of this batch whose image could not be read or decoded (left out), with reasons.
    public var failures: [(name: String, reason: String)]

    /// The target of sample `k`.
    public func target(_ k: Int) -> ArraySlice<Int32> {
        var start = 0
        for j in 0..<k { start += Int(targetLengths[j]) }
        return targets[start..<(start + Int(targetLengths[k]))]
    }
}
