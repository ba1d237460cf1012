/// A polygon that target generation masked out instead of learning from it (as MMOCR ignores it),
/// with the reason: `ignored (###)` is not reported here, only bad geometry.
public struct DBTargetSkip: Sendable, Equatable {
    /// Index into the `polygons` given to `DBTargetGenerator.make`.
    public let index: Int
    public let reason: String
    public init(index: Int, reason: String) { self.index = index; self.reason = reason }
}
