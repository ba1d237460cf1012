import Foundation

@_exported import PrepRandom

/// The engine's random generator is `SplitMix64` (PrepRandom), whose whole state is one UInt64,
/// so a checkpoint can save it (as I64, bit pattern) and resume bit-for-bit.
public typealias RNG = SplitMix64

/// The draws the engine needs (initialisation, dropout).
extension SplitMix64 {
    /// Uniform in [0, 1) with 24 random bits.
    public mutating func uniform() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Uniform in [lo, hi).
    public mutating func uniform(_ lo: Float, _ hi: Float) -> Float { lo + (hi - lo) * uniform() }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Float {
        let u1 = max(Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0), 1e-300)
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}

