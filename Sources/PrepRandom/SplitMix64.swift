/// SplitMix64 (Steele, Lea, Flood 2014): a small, portable pseudo-random generator, so a seed
/// gives the same stream on every platform and Swift version (the standard library's generator
/// is not seedable). Splits, shuffles, the training data order, augmentation and the engine's
/// weight initialisation and dropout (PrepNN's `RNG`) all draw from it. Its own target so that
/// PrepCore and PrepNN (which do not depend on each other) share one generator.
public struct SplitMix64: Sendable, Equatable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
