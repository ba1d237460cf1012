import Foundation
import PrepCore

/// `prep merge OUT SHARD_DIR…` for `prep validate --shard I/N` folders: the report one
/// unsharded `prep validate` writes, rebuilt from the shards' parts. Statistics, character
/// counts and finding counts are summed; the listing is the first `keepPerKind` per kind of the
/// shards' own (each shard kept its first that many, in the order one run sorts them); the
/// checks that need every image run here as one run would run them: duplicate content over the
/// shards' digests (k-way merged in record order) and crop sources over their page and crop
/// names. Memory: the digests seen (as the unsharded run keeps them) and the crop names.
public struct ValidationShardMerge {
    /// The shard folders, in shard order (already checked by `ShardMerge.manifests`).
    public let shards: [URL]

    public init(shards: [URL]) { self.shards = shards }

    private func file(_ dir: URL, _ name: String) -> URL {
        dir.appendingPathComponent(ShardManifest.folder).appendingPathComponent(name)
    }

    public func run() throws -> ValidationReport {
        let states = try shards.map { dir -> ValidationShardState in
            let url = file(dir, ValidationShardFiles.state)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw PrepError.usage("prep merge: \(url.path) is missing; was the validate shard interrupted? (run it again)")
            }
            do { return try JSONDecoder().decode(ValidationShardState.self, from: data) } catch {
                throw PrepError.input(file: url.path, line: nil, reason: "not a validate shard state: \(error)")
            }
        }
        var options = Validator.Options()
        options.keepPerKind = states[0].keepPerKind
        let v = Validator(options: options)
        v.splits = states[0].splits
        for state in states.dropFirst() {
            for s in state.splits {
                guard let i = v.splits.firstIndex(where: { $0.split == s.split }) else {
                    throw PrepError.usage("prep merge: the validate shards list other splits (\(s.split)); shards must check the same inputs")
                }
                v.splits[i].add(s)
            }
        }
        for state in states {
            for pair in state.characters where pair.count == 2 {
                guard let c = Unicode.Scalar(UInt32(truncatingIfNeeded: pair[0])) else { continue }
                v.characters[c, default: 0] += pair[1]
            }
            for (name, n) in state.counts {
                guard let kind = AnomalyKind(rawValue: name) else {
                    throw PrepError.usage("prep merge: a validate shard counts an unknown finding '\(name)' (another prep version?)")
                }
                v.list.count(kind, n)
            }
            for a in state.anomalies { v.list.add(a, counted: false) }
        }
        // Duplicate content, in the order one run checks images.
        let readers = try shards.map { try ValidationShardFiles.Reader(file($0, ValidationShardFiles.digests)) }
        var heads = try readers.map { try $0.digest() }
        try KWayMerge.run(count: readers.count, head: { heads[$0]?.key.record }) { s in
            let d = heads[s]!
            v.addDuplicate(d.digest, split: d.split, name: d.name, position: d.position, key: d.key)
            heads[s] = try readers[s].digest()
        }
        v.addCropFindings(CropSources.merged(try shards.map {
            try ValidationShardFiles.Reader(file($0, ValidationShardFiles.crops)).cropSources()
        }))
        v.finish()
        return ValidationReport(validator: v, seconds: states.reduce(0) { $0 + $1.seconds }, strict: states[0].strict)
    }
}
