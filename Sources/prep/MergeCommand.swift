import Foundation
import ArgumentParser
import PrepCore
import PrepPipeline

/// `prep merge OUT SHARD_DIR…`: the shards of a `--shard I/N` run, made one dataset again.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the output folders of --shard I/N runs into the unsharded outputs, byte for byte.",
        discussion: """
        Every shard folder holds a ledger (.prep-shard/) naming the shard, the options and prep's
        version, and where each record sits in the unsharded order. prep merge refuses missing or
        duplicated shards and shards of different runs, renumbers ids (COCO), LMDB keys and counts,
        streams every file (memory stays flat) and links crops into OUT. The ledgers are not copied.

        Examples:
          for i in 0 1 2 3; do prep icdar2015 /data/icdar2015 --shard $i/4 -o out/shard-$i; done
          prep merge out/icdar2015 out/shard-*
          prep merge data/train.lmdb.d shards/* --report merge.json
        """)

    @Argument(help: "Output folder (what the unsharded run's -o would be).")
    var out: String

    @Argument(help: "The shard output folders (all N of them, any order).")
    var shards: [String] = []

    @OptionGroup var common: RunOptions

    func run() throws {
        let merge = ShardMerge(output: URL(fileURLWithPath: out), shards: shards.map { URL(fileURLWithPath: $0) })
        try RunOptions.running("merge", common) { report in
            try merge.run(report: report, quiet: common.quiet)
        }
    }
}
