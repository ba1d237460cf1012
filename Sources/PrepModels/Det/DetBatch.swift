import Foundation

/// A training batch of the detector: `count` images of `size` × `size`, normalised,
/// channel-major, one after the other, with their DB targets; pages that could not be used
/// are in `failures` (location, reason), polygons the target generator skipped in `skipped`.
public struct DetBatch: Sendable {
    public var number: Int
    public var size: Int
    public var count = 0
    public var images: [Float] = []
    public var targets: [DBTargets] = []
    public var names: [String] = []
    /// The polygons (after augmentation) and their do-not-care flags, per image.
    public var polygons: [[[Double]]] = []
    public var ignored: [[Bool]] = []
    public var failures: [(location: String, reason: String)] = []
    public var skipped: [(location: String, reason: String)] = []
}
