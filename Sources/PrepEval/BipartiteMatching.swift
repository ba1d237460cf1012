/// Maximum-cardinality bipartite matching (what 1.x `max_matching` gets from
/// `scipy.sparse.csgraph.maximum_bipartite_matching`). Only the size is used by the metric, and
/// every maximum matching has the same size, so augmenting paths (Kuhn) give the same number.
public enum BipartiteMatching {
    /// `adjacency[row]` = columns that row may be matched to. Returns the matching size.
    public static func maximumCardinality(rows: Int, columns: Int, adjacency: [[Int]]) -> Int {
        var matchOfColumn = [Int](repeating: -1, count: columns)
        var size = 0
        var seen = [Int](repeating: -1, count: columns)
        for r in 0..<rows where !adjacency[r].isEmpty {
            if augment(r, stamp: r, adjacency, &matchOfColumn, &seen) { size += 1 }
        }
        return size
    }

    private static func augment(_ r: Int, stamp: Int, _ adj: [[Int]], _ matchOfColumn: inout [Int],
                                _ seen: inout [Int]) -> Bool {
        for c in adj[r] where seen[c] != stamp {
            seen[c] = stamp
            if matchOfColumn[c] < 0 || augment(matchOfColumn[c], stamp: stamp, adj, &matchOfColumn, &seen) {
                matchOfColumn[c] = r
                return true
            }
        }
        return false
    }
}
