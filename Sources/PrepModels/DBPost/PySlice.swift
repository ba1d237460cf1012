/// Python slice semantics for `a[start:stop]` on a sequence of `count` items (negative
/// indices count from the end), for the one place MMOCR's numpy slicing wraps.
enum PySlice {
    static func range(start: Int, stop: Int, count: Int) -> [Int] {
        func norm(_ i: Int) -> Int { i < 0 ? max(i + count, 0) : min(i, count) }
        let a = norm(start), b = norm(stop)
        return a < b ? Array(a..<b) : []
    }
}
