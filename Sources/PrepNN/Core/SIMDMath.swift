/// exp, sigmoid and tanh eight lanes at a time, for the LSTM's gate math (a scalar `expf` /
/// `tanhf` call per gate value was a large part of a step). exp is Cephes' `expf` scheme:
/// x = n·ln2 + r with |r| ≤ ½ln2, e^r by a degree-7 polynomial, 2ⁿ through the exponent bits;
/// within 3e-7 relative of libm's on [−87, 88] (`SIMDMathTests`). sigmoid = 1/(1 + e^−x) and
/// tanh = 2·sigmoid(2x) − 1 (absolute error ≤ 2e-7; a relative error of 1e-7 in 1 + e^−x).
enum SIMDMath {
    typealias V = SIMD8<Float>

    @inline(__always)
    static func exp(_ x: V) -> V {
        // only compares, selects and arithmetic: the generic `rounded`, `clamped` and Float→Int
        // conversions of SIMD types compile to per-lane loops slower than scalar `expf`
        var c = x.replacing(with: V(repeating: -87.3), where: x .< -87.3)
        c.replace(with: V(repeating: 88.3), where: c .> 88.3)
        // round(c·log2 e) by adding and removing 1.5·2²³; n ∈ [−126, 127] after the clamp
        let magic = V(repeating: 12_582_912)
        let t = c * 1.442_695_04 + magic
        let n = t - magic
        // r = c − n·ln2 in two parts (Cody–Waite)
        var r = c - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        let r2 = r * r
        var p = V(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        let e = p * r2 + r + 1
        // 2ⁿ: n + 127 in the exponent field (n is t's low mantissa bits, as an integer)
        let ni = unsafeBitCast(t, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        let scale = unsafeBitCast((ni &+ 127) &<< 23, to: V.self)
        // NaN stays NaN (the clamp would have made it a number)
        return (e * scale).replacing(with: x, where: x .!= x)
    }

    @inline(__always)
    static func sigmoid(_ x: V) -> V { 1 / (1 + exp(-x)) }

    @inline(__always)
    static func tanh(_ x: V) -> V { 2 / (1 + exp(-2 * x)) - 1 }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }
}
