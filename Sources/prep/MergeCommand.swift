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
        Every shard folder holds a ledger (.prep-shard/) naming the shard, the options and \
        prep's version, and where each record sits in the unsharded order. prep merge refuses \
        missing or duplicated shards and shards of different runs before writing anything, \
        renumbers COCO ids and LMDB keys, streams every file (memory stays flat), links crops \
        into OUT and sums the reports. The ledgers are not copied.

        Examples:
          for i in 0 1 2 3; do prep icdar2015 /data/icdar2015 --shard $i/4 -o out/shard-$i; done
          prep merge out/icdar2015 out/shard-*
          prep lmdb label.txt shards/$I/train.lmdb -i imgs --shard $I/8     (I = 0 … 7)
          prep merge data shards/* --report merge.json                       (data/train.lmdb)
          prep merge checked validate-shards/*     (prep validate --shard: checked/validate.json,
                                                    the summary, exit 1 when the checks fail)
        """)

    @Argument(help: "Output folder (what the unsharded run's -o would be).")
    var out: String

    @Argument(help: "The shard output folders (all N of them, any order).")
    var shards: [String] = []

    @Flag(name: [.short, .long], help: "No progress bar and no summary.")
    var quiet = false

    @Option(name: .long, help: ArgumentHelp("Write the summary (the shards' counts summed) as JSON to this file.", valueName: "FILE.json"))
    var report: String?

    func run() throws {
        let merge = ShardMerge(output: URL(fileURLWithPath: out), shards: shards.map { URL(fileURLWithPath: $0) })
        if try merge.isValidation() {
            // prep validate's shards: its report, summary and exit status.
            let result = try merge.runValidation()
            if let report { try result.write(to: URL(fileURLWithPath: report)) }
            if !quiet { print(result.summary()) }
            if result.failed { throw ExitCode.failure }
            return
        }
        var common = try RunOptions.parse([])
        common.quiet = quiet
        common.report = report
        try RunOptions.running("merge", common) { report in
            try merge.run(report: report, quiet: common.quiet)
        }
    }
}
