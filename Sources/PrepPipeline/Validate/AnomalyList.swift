import PrepCore

/// Where an anomaly sorts in the listing, the same whichever process found it (a shard of
/// `prep validate --shard I/N` or the unsharded run): by file (the record at which the file
/// first appears in the inputs), line, byte offset, then the phase that found it (0 reading,
/// 1 image check, 2 duplicate content, 3 crop source: on one line a record's own findings come
/// before its image's), the record, and the order within that (a record's findings of one
/// phase all come from one process, so that order is the same anywhere).
struct AnomalyKey: Comparable, Codable, Sendable {
    var file: Int
    var line: Int
    var offset: Int
    var record: Int
    var phase: Int
    var seq: Int

    static func < (a: AnomalyKey, b: AnomalyKey) -> Bool {
        (a.file, a.line, a.offset, a.phase, a.record, a.seq) < (b.file, b.line, b.offset, b.phase, b.record, b.seq)
    }
}

/// An anomaly with its sort key (what a shard hands the merge).
struct KeyedAnomaly: Codable, Sendable {
    var key: AnomalyKey
    var anomaly: Anomaly
}

/// The findings of a run: exact counts per kind and, for the listing, the first `keep` of each
/// kind in `AnomalyKey` order. Memory stays bounded (a kind's list is cut back to `keep` when it
/// reaches twice that), and the first `keep` of a union of lists are among the lists' own first
/// `keep`: so shards each keep theirs and the merge lists exactly what one run lists.
struct AnomalyList {
    let keep: Int
    private(set) var counts: [AnomalyKind: Int] = [:]
    private var kept: [AnomalyKind: [KeyedAnomaly]] = [:]

    init(keep: Int) { self.keep = keep }

    mutating func add(_ a: KeyedAnomaly, counted: Bool = true) {
        if counted { counts[a.anomaly.kind, default: 0] += 1 }
        guard keep > 0 else { return }
        kept[a.anomaly.kind, default: []].append(a)
        if kept[a.anomaly.kind]!.count >= 2 * keep { trim(a.anomaly.kind) }
    }

    /// Adds `n` findings of `kind` found elsewhere (a shard's count beyond what it lists).
    mutating func count(_ kind: AnomalyKind, _ n: Int) { counts[kind, default: 0] += n }

    private mutating func trim(_ kind: AnomalyKind) {
        kept[kind]!.sort { $0.key < $1.key }
        kept[kind]!.removeLast(kept[kind]!.count - keep)
    }

    /// The listed anomalies with their keys: the first `keep` per kind, in key order.
    func listed() -> [KeyedAnomaly] {
        kept.values.flatMap { $0.sorted { $0.key < $1.key }.prefix(keep) }.sorted { $0.key < $1.key }
    }
}
