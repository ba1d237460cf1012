import Foundation
import PrepCore
import PrepPipeline

/// A seeded generator (the splits' SplitMix64): the same seed gives the same mutations on any
/// machine, so a failing CI pass replays exactly.
struct FuzzRNG {
    private var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }
    /// Uniform in 0..<n (n > 0).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func chance(_ oneIn: Int) -> Bool { below(oneIn) == 0 }
}

/// Mutates corpus inputs: bit flips, interesting bytes and integers, deletions, duplications,
/// tokens that break parsers of text formats (huge and non-finite numbers, separators, quotes,
/// brackets), splices of two inputs and truncation. One to four mutations per execution.
struct FuzzMutator {
    static let tokens: [[UInt8]] = [
        "1e300", "-1e300", "NaN", "Infinity", "-Infinity", "-3.4e39", "9223372036854775808", "-9223372036854775809",
        "9223372036854775807", "4294967296", "2147483648", "-1", "0", "-0", "1.5", "1e-400", "nan", "inf",
        ",", ",,", " ", "\t", "\n", "\r\n", "\r", "\"", "\\", "\\u0000", "\\ud800", "{", "}", "[", "]", ":", "null", "true",
        "[]", "{}", "###", "../../", "/etc/passwd", "<", ">", "</", "<![CDATA[", "&amp;", "&#0;", "\u{FEFF}", "\u{00}",
        "\u{FF}\u{FE}", "é", "\u{10FFFF}", "00000000000000000000000000000001",
    ].map { Array($0.utf8) }
    static let interestingBytes: [UInt8] = [0, 1, 0x7F, 0x80, 0xFF, 0xFE, 0x20, 0x0A, 0x22, 0x2C, 0x30, 0x39]
    static let interestingInts: [UInt32] = [0, 1, 0xFFFF, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, 0x10000, 0xFF]

    var rng: FuzzRNG

    mutating func mutate(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
        var b = input
        for _ in 0..<(1 + rng.below(4)) { b = once(b, other: other) }
        return b
    }

    private mutating func once(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
        var b = input
        if b.isEmpty { return FuzzMutator.tokens[rng.below(FuzzMutator.tokens.count)] }
        let at = rng.below(b.count)
        switch rng.below(11) {
        case 0: b[at] ^= UInt8(1 << rng.below(8))
        case 1: b[at] = FuzzMutator.interestingBytes[rng.below(FuzzMutator.interestingBytes.count)]
        case 2: b[at] = UInt8(truncatingIfNeeded: rng.next())
        case 3:   // a 16- or 32-bit field set to an interesting value (binary headers: LMDB, PNG, MAT)
            let v = FuzzMutator.interestingInts[rng.below(FuzzMutator.interestingInts.count)]
            let width = rng.chance(2) ? 2 : 4
            for k in 0..<width where at + k < b.count { b[at + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) }
        case 4: b.removeSubrange(at..<min(b.count, at + 1 + rng.below(16)))
        case 5:
            let end = min(b.count, at + 1 + rng.below(64))
            b.insert(contentsOf: b[at..<end], at: rng.below(b.count + 1))
        case 6, 7:   // replace a number-like run or insert a token
            let t = FuzzMutator.tokens[rng.below(FuzzMutator.tokens.count)]
            var end = at
            while end < b.count, (0x30...0x39).contains(b[end]) || b[end] == 0x2E || b[end] == 0x2D || b[end] == 0x65 { end += 1 }
            b.replaceSubrange(at..<(rng.chance(2) ? end : at), with: t)
        case 8:
            guard !other.isEmpty else { break }
            let from = rng.below(other.count)
            b.replaceSubrange(at..<b.count, with: other[from..<min(other.count, from + 1 + rng.below(4096))])
        case 9: b.removeSubrange(at..<b.count)
        default:   // repeat a byte many times (long lines, deep nesting)
            b.insert(contentsOf: repeatElement(b[at], count: 1 + rng.below(2000)), at: at)
        }
        return b
    }
}
