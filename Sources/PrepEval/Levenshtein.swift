/// Uniform-cost Levenshtein distance and rapidfuzz's `Levenshtein.normalized_distance`
/// (distance / max(len), 0 for two empty strings).
public enum Levenshtein {
    public static func distance<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
        var lo = 0
        while lo < a.count && lo < b.count && a[lo] == b[lo] { lo += 1 }
        var ea = a.count, eb = b.count
        while ea > lo && eb > lo && a[ea - 1] == b[eb - 1] { ea -= 1; eb -= 1 }
        let n = ea - lo, m = eb - lo
        if n == 0 { return m }
        if m == 0 { return n }
        // One row, on the stack for a word.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: m + 1) { row in
            for j in 0...m { row[j] = j }
            for i in 1...n {
                var diag = row[0]
                row[0] = i
                let ai = a[lo + i - 1]
                for j in 1...m {
                    let up = row[j]
                    row[j] = ai == b[lo + j - 1] ? diag : min(diag, up, row[j - 1]) + 1
                    diag = up
                }
            }
            return row[m]
        }
    }

    public static func normalizedDistance<T: Equatable>(_ a: [T], _ b: [T]) -> Double {
        let m = max(a.count, b.count)
        return m == 0 ? 0 : Double(distance(a, b)) / Double(m)
    }
}
