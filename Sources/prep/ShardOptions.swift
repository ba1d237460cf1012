import Foundation
import ArgumentParser
import PrepCore

/// `--shard I/N` / `--shard-from-env`: run one shard of a partition of the images (cluster array
/// jobs); `prep merge` joins the shard folders into the unsharded outputs.
/// (`DatasetArgv` reads these for dataset commands too: a new option goes there as well.)
struct ShardOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Process only shard I of N (I from 0) of the images, partitioned by a stable hash of each image's path; each shard needs its own -o folder, then: prep merge OUT SHARD_DIR…", valueName: "I/N"))
    var shard: String?

    @Option(name: .customLong("shard-from-env"), help: ArgumentHelp("Take the shard from environment variables: VAR_I,VAR_N (SLURM_ARRAY_TASK_ID,SLURM_ARRAY_TASK_COUNT) or VAR_I with --shard-count (JOB_COMPLETION_INDEX).", valueName: "VARS"))
    var shardFromEnv: String?

    @Option(name: .customLong("shard-count"), help: ArgumentHelp("N for --shard-from-env VAR_I.", valueName: "N"))
    var shardCount: Int?

    /// The shard asked for, or nil for an unsharded run.
    func resolve() throws -> Shard? {
        if shard != nil && shardFromEnv != nil { throw PrepError.usage("--shard and --shard-from-env: give one") }
        if let shard { 
            if shardCount != nil { throw PrepError.usage("--shard-count goes with --shard-from-env") }
            return try Shard(parsing: shard)
        }
        if let spec = shardFromEnv { return try Shard.fromEnvironment(spec, count: shardCount) }
        if shardCount != nil { throw PrepError.usage("--shard-count goes with --shard-from-env") }
        return nil
    }

    /// The command line without what may differ between the shards of one run (the shard, the
    /// output folder, workers, report, quiet, and the `outputs` positionals), recorded in each
    /// shard's manifest so `prep merge` refuses shards of different runs.
    static func fingerprint(_ arguments: [String] = Array(CommandLine.arguments.dropFirst()), outputs: Set<String> = []) -> String {
        let valued: Set<String> = ["--shard", "--shard-from-env", "--shard-count", "-o", "--out-dir", "--out", "--nproc", "--report"]
        var kept: [String] = []
        var skip = false
        for a in arguments {
            if skip { skip = false; continue }
            if valued.contains(a) { skip = true; continue }
            if ["-q", "--quiet"].contains(a) || outputs.contains(a) { continue }
            if let eq = a.firstIndex(of: "="), valued.contains(String(a[..<eq])) { continue }
            kept.append(a)
        }
        return kept.joined(separator: " ")
    }
}
