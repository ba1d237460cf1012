import Foundation
import PrepCore

/// Chooses which items of a page list go to the validation split for `--val-ratio R`
/// (`--split-seed S`). Pages are assigned whole, so every crop inherits its page's split.
///
/// - Where 1/R is a whole number k, the reference's selection for the dataset (§1.8), so outputs
///   stay comparable: pattern `A` sends items 0, k, 2k, … to val; pattern `B` sends the first
///   ⌊n·R⌋ items (the reference then returns an empty train set when ⌊n·R⌋ < 1; prep does not).
/// - Otherwise exactly round(n·R) items, spread evenly over the list.
/// - With a seed, round(n·R) items drawn at random (SplitMix64, so the same seed gives the same
///   split on every machine).
public struct SplitAssigner: Sendable {
    public enum Pattern: String, Sendable, Decodable { case A, B }

    public let ratio: Double
    public let pattern: Pattern
    public let seed: UInt64?

    /// Checks the ratio: R ≤ 0 or R ≥ 1 is a usage error.
    public init(ratio: Double, pattern: Pattern, seed: UInt64? = nil) throws {
        guard ratio.isFinite, ratio > 0, ratio < 1 else {
            throw PrepError.usage("--val-ratio must be between 0 and 1 (exclusive), got \(ratio)")
        }
        self.ratio = ratio
        self.pattern = pattern
        self.seed = seed
    }

    /// The 1/R step when it is a whole number.
    var wholeStep: Int? {
        let k = (1 / ratio).rounded()
        return abs(1 / ratio - k) < 1e-9 ? Int(k) : nil
    }

    /// Whether item `i` of `n` goes to val, for every i (in list order).
    public func validationMask(count n: Int) -> [Bool] {
        var mask = [Bool](repeating: false, count: n)
        if let seed {
            var rng = SplitMix64(seed: seed)
            var order = Array(0..<n)
            // Fisher–Yates with our own generator (Swift's shuffle(using:) algorithm is not specified).
            if n > 1 {
                for i in stride(from: n - 1, to: 0, by: -1) {
                    let j = Int(rng.next() % UInt64(i + 1))
                    order.swapAt(i, j)
                }
            }
            for i in order.prefix(Int((Double(n) * ratio).rounded())) { mask[i] = true }
            return mask
        }
        if let k = wholeStep {
            switch pattern {
            case .A: for i in stride(from: 0, to: n, by: k) { mask[i] = true }
            case .B: for i in 0..<min(n, Int(Double(n) * ratio)) { mask[i] = true }
            }
            return mask
        }
        let m = Int((Double(n) * ratio).rounded())
        for j in 0..<m { mask[min(n - 1, Int((Double(j) + 0.5) * Double(n) / Double(m)))] = true }
        return mask
    }
}

/// A small, portable pseudo-random generator (Steele, Lea, Flood 2014).
public struct SplitMix64: Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
