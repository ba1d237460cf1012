/// Where an `AnnFileLoader` reads raw annotation lines from: random access by 0-based index,
/// without loading the whole source into memory.
public protocol AnnFileBackend: AnyObject, Sendable {
    /// How many lines (samples) the source holds.
    var count: Int { get }
    /// The file or database the lines come from (for messages).
    var source: String { get }
    /// Whether the lines come from an LMDB (only `LineJsonParser` can read those).
    var isLMDB: Bool { get }
    /// The raw line at `index` (0 ≤ index < count).
    func line(at index: Int) throws -> String
    /// Where line `index` is, for messages: `file:line` or `database:key`.
    func location(of index: Int) -> String
}
