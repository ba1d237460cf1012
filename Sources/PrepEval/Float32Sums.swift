/// float32 sums in the exact order numpy and PyTorch (CPU) add, so a mean matches theirs bit for
/// bit. Both orders were checked against the libraries in the reference venvs on thousands of
/// random vectors (`scripts/eval_golden.py` keeps KIE cases that exercise them).
public enum Float32Sums {
    /// numpy `add.reduce` on a contiguous float32 vector (pairwise, 8 accumulators, blocks of 128).
    public static func numpyPairwise(_ a: [Float]) -> Float { pairwise(a[...]) }

    private static func pairwise(_ a: ArraySlice<Float>) -> Float {
        let n = a.count, s = a.startIndex
        if n < 8 {
            var res: Float = 0
            for x in a { res += x }
            return res
        }
        if n <= 128 {
            var r = Array(a[s..<(s + 8)])
            let m = n - n % 8
            var i = 8
            while i < m { for j in 0..<8 { r[j] += a[s + i + j] }; i += 8 }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n { res += a[s + i]; i += 1 }
            return res
        }
        var n2 = n / 2
        n2 -= n2 % 8
        return pairwise(a[s..<(s + n2)]) + pairwise(a[(s + n2)...])
    }

    /// PyTorch 2.0 CPU `sum` of a contiguous float32 vector (AVX2: 8 lanes, 4 accumulators;
    /// verified for lengths up to 200 — longer vectors use a deeper cascade not reproduced here).
    public static func torchSum(_ a: [Float]) -> Float {
        let lanes = 8
        let n = a.count
        if n < lanes {
            var acc: [Float] = [0, 0, 0, 0]
            let m = n - n % 4
            for i in 0..<m { acc[i % 4] += a[i] }
            for i in m..<n { acc[0] += a[i] }
            return ((acc[0] + acc[1]) + acc[2]) + acc[3]
        }
        let vectors = n / lanes
        var acc = [[Float]](repeating: [Float](repeating: 0, count: lanes), count: 4)
        let m = vectors - vectors % 4
        for v in 0..<vectors {
            let slot = v < m ? v % 4 : 0
            for l in 0..<lanes { acc[slot][l] += a[v * lanes + l] }
        }
        var final: Float = 0
        for k in (vectors * lanes)..<n { final += a[k] }
        for l in 0..<lanes { final += ((acc[0][l] + acc[1][l]) + acc[2][l]) + acc[3][l] }
        return final
    }
}
