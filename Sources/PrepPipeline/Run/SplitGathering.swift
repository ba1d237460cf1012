import Foundation
import PrepCore

/// The pairs of every requested split of a source, this shard's only under `--shard`.
struct GatheredSplits {
    /// Split → its pairs (this shard's).
    var pairs: [String: [GatheredPair]] = [:]
    /// Under `--shard`: split → each kept pair's position in the split (empty otherwise).
    var positions: [String: [Int]] = [:]
    /// Under `--shard`: enumeration name (`tag` + split) → the size of the unsharded split, for the ledger.
    var totals: [String: Int] = [:]
}

/// How a per-image run gathers its splits from a `DatasetSource`: every requested split, a
/// `val_split` dataset's `from` split divided by `--val-ratio`, and `--shard`'s share of each.
struct SplitGathering {
    let job: DatasetJob

    /// The shard the gatherers filter by as they list (`--shard`), before any per-image work;
    /// nil when the partition must wait for the whole list: `--val-ratio` draws the validation
    /// pages from every page of the split.
    var earlyShard: Shard? {
        job.recipe.valSplit != nil && job.valRatio != nil ? nil : job.shard
    }

    /// Gathers every requested split of `source` (problems reported to `report`); `tag` prefixes
    /// the shard totals' names (`recog ` for a recog task's own source).
    func gather(_ source: DatasetSource, report: RunReport, tag: String = "") throws -> GatheredSplits {
        shard(try gatherSplits(source, report: report), tag: tag)
    }

    /// The pairs of every requested split. A `val_split` dataset is gathered once as its `from`
    /// split; with `--val-ratio` the chosen pages move to the `to` split.
    func gatherSplits(_ source: DatasetSource, report: RunReport) throws -> [(String, GatheredSplit)] {
        guard let v = job.recipe.valSplit else {
            return try job.splits.map { ($0, try source.gatherShare(split: $0, report: report)) }
        }
        let share = try source.gatherShare(split: v.from, report: report)
        let all = share.pairs
        guard job.valRatio != nil else {
            let bySplit = [v.from: share, v.to: GatheredSplit(pairs: [], total: 0)]
            return job.splits.map { ($0, bySplit[$0] ?? GatheredSplit(pairs: [], total: 0)) }
        }
        var bySplit: [String: [GatheredPair]] = [v.from: all, v.to: []]
        if let ratio = job.valRatio {
            let assigner = try SplitAssigner(ratio: ratio, pattern: v.pattern, seed: job.splitSeed)
            report.options["val_ratio"] = String(ratio)
            if let seed = job.splitSeed { report.options["split_seed"] = String(seed) }
            let mask = assigner.validationMask(count: all.count)
            bySplit[v.from] = zip(all, mask).filter { !$0.1 }.map(\.0)
            bySplit[v.to] = zip(all, mask).filter { $0.1 }.map(\.0)
        }
        return job.splits.map { split in (split, bySplit[split].map { GatheredSplit(pairs: $0, total: $0.count) } ?? GatheredSplit(pairs: [], total: 0)) }
    }

    /// Under `--shard`: this shard's pairs of every split, with their positions in the split
    /// (given by the gatherer when it filtered as it listed, `earlyShard`), and the splits' sizes.
    func shard(_ gathered: [(String, GatheredSplit)], tag: String = "") -> GatheredSplits {
        var out = GatheredSplits()
        guard let shard = job.shard else {
            for (split, share) in gathered { out.pairs[split] = share.pairs }
            return out
        }
        for (split, share) in gathered {
            out.totals[tag + split] = share.total
            if earlyShard != nil {
                out.positions[split] = share.pairs.map { $0.position ?? 0 }
                out.pairs[split] = share.pairs
                continue
            }
            let (mine, at) = shard.select(share.pairs) { Shard.key($0.image, root: job.root) }
            out.positions[split] = at
            out.pairs[split] = mine
        }
        return out
    }
}
