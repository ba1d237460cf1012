import PrepCore

/// `SplitMix64` with the draws training needs, so data order and augmentation are reproducible
/// (and resumable) from a few integers.
public struct RecogRandom: Sendable, Equatable {
    private var rng: SplitMix64

    public init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    /// A generator for one purpose derived from several integers (seed, epoch, sample), so
    /// streams never depend on how work is spread over threads.
    public init(seed: UInt64, _ a: UInt64, _ b: UInt64 = 0) {
        var s = RecogRandom(seed: seed ^ 0x9E37_79B9_7F4A_7C15)
        let x = s.next() ^ (a &* 0xBF58_476D_1CE4_E5B9)
        var t = RecogRandom(seed: x)
        rng = SplitMix64(seed: t.next() ^ (b &* 0x94D0_49BB_1331_11EB))
    }

    public mutating func next() -> UInt64 { rng.next() }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [lo, hi).
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * unit() }

    /// Uniform integer in 0..<n (n > 0).
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Fisher–Yates permutation of 0..<n.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, below(i + 1)) }
        return p
    }
}
