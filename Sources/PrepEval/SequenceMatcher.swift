/// Python `difflib.SequenceMatcher(None, a, b)` reduced to what MMOCR's char metrics use: the
/// total size of the matching blocks (= the lengths of the `equal` opcodes).
///
/// Ratcliff–Obershelp, not LCS: the longest contiguous block first (ties to the earliest in `a`,
/// then in `b`), then recursively left and right of it. `autojunk` as in Python: when `b` has at
/// least 200 elements, elements occurring more than ⌊len(b)/100⌋ + 1 times are "popular" and
/// cannot start a match (but blocks may still extend over them).
public enum SequenceMatcher {
    public static func matchingCount<T: Hashable>(_ a: [T], _ b: [T], autojunk: Bool = true) -> Int {
        let la = a.count, lb = b.count
        if la == 0 || lb == 0 { return 0 }
        var popular = Set<T>()
        if autojunk && lb >= 200 {
            var counts: [T: Int] = [:]
            for x in b { counts[x, default: 0] += 1 }
            let ntest = lb / 100 + 1
            for (x, c) in counts where c > ntest { popular.insert(x) }
        }
        // Positions in b of each element (ascending), without popular ones: Python's b2j. Short
        // b (the usual word) is scanned directly instead, which visits the same j in the same order.
        let scan = lb < 64
        var b2j: [T: [Int]] = [:]
        if !scan { for (j, x) in b.enumerated() where !popular.contains(x) { b2j[x, default: []].append(j) } }
        // Four work rows and the queue of ranges still to search, on the stack for a word (a
        // million pairs would otherwise make five heap arrays each). Pending ranges are disjoint
        // and non-empty on both sides, so there are never more than min(la, lb) + 1 of them.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 4 * lb) { rows in
            withUnsafeTemporaryAllocation(of: (Int, Int, Int, Int).self, capacity: min(la, lb) + 1) { queue in
                var prevLen = rows.baseAddress!, prevStamp = prevLen + lb
                var curLen = prevStamp + lb, curStamp = curLen + lb
                for j in 0..<lb { prevLen[j] = 0; curLen[j] = 0; prevStamp[j] = -2; curStamp[j] = -2 }
                var total = 0
                queue[0] = (0, la, 0, lb)
                var pending = 1
                // Python keeps j2len (run lengths ending at b[j] for the previous a-row) in a
                // dict; two rows stamped with a row counter do the same without clearing. The
                // counter skips one value between ranges, so a range's first row never sees the
                // last range's row as "previous".
                var counter = 0
                while pending > 0 {
                    pending -= 1
                    let (alo, ahi, blo, bhi) = queue[pending]
                    var besti = alo, bestj = blo, bestsize = 0
                    counter += 1
                    for i in alo..<ahi {
                        counter += 1
                        let stamp = counter
                        if scan {
                            let ai = a[i]
                            for j in blo..<bhi where b[j] == ai {
                                let k = (j > 0 && prevStamp[j - 1] == stamp - 1 ? prevLen[j - 1] : 0) + 1
                                curLen[j] = k; curStamp[j] = stamp
                                if k > bestsize { besti = i - k + 1; bestj = j - k + 1; bestsize = k }
                            }
                        } else if let js = b2j[a[i]] {
                            for j in js {
                                if j < blo { continue }
                                if j >= bhi { break }
                                let k = (j > 0 && prevStamp[j - 1] == stamp - 1 ? prevLen[j - 1] : 0) + 1
                                curLen[j] = k; curStamp[j] = stamp
                                if k > bestsize { besti = i - k + 1; bestj = j - k + 1; bestsize = k }
                            }
                        }
                        swap(&prevLen, &curLen); swap(&prevStamp, &curStamp)
                    }
                    while besti > alo && bestj > blo && a[besti - 1] == b[bestj - 1] { besti -= 1; bestj -= 1; bestsize += 1 }
                    while besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] == b[bestj + bestsize] { bestsize += 1 }
                    if bestsize > 0 {
                        total += bestsize
                        if alo < besti && blo < bestj { queue[pending] = (alo, besti, blo, bestj); pending += 1 }
                        if besti + bestsize < ahi && bestj + bestsize < bhi { queue[pending] = (besti + bestsize, ahi, bestj + bestsize, bhi); pending += 1 }
                    }
                }
                return total
            }
        }
    }
}
