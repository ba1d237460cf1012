import Foundation
import ArgumentParser
import PrepCore
import PrepFormats
import PrepPipeline

/// `prep NAME ROOT …` read without ArgumentParser, for the arguments nearly every run has.
///
/// Why it exists: ArgumentParser learns a command's arguments by reflection, and the Swift
/// runtime's first look at each generic type involved (`Option<Int?>`, `Flag<Bool>`, …) scans
/// every protocol conformance record of the binary (7,354 of them). For `DatasetCommand` that was
/// 23 M instructions, over half of a one-image run and ~2 ms of every dataset command
/// (bench/README.md, "Seventh pass").
///
/// It only takes what it reads exactly as ArgumentParser does: `--long VALUE`, `--long=VALUE`
/// (single values), `-o VALUE`, `-n VALUE`, `-q`, lists up to the next word beginning with `-`,
/// flags, one positional ROOT, each option at most once, values that do not begin with `-` and
/// that `ExpressibleByArgument` converts; then it runs the same `validate()`s. Anything else (an
/// unknown, repeated or abbreviated option, grouped short flags, `--`, a value beginning with
/// `-`, an empty list, a value that does not convert, a failed validation) gives nil, and
/// ArgumentParser reads the arguments and says what it always said. Every option starts from
/// the default its declaration gives; `DatasetArgvTests` checks both ways give the same command
/// for every option and that every option ArgumentParser knows is known here.
enum DatasetArgv {
    /// The command for `args` (`--dataset=NAME` first, as `CLI.main` passes them), or nil.
    static func parse(_ args: [String]) -> DatasetCommand? {
        guard let first = args.first, first.hasPrefix("--dataset=") else { return nil }
        var command = defaults(dataset: String(first.dropFirst("--dataset=".count)))
        var root: String?
        var seen = Set<String>()
        var i = 1
        while i < args.count {
            let arg = args[i]
            i += 1
            guard arg.hasPrefix("-") else {
                // The one positional: ROOT.
                if root != nil { return nil }
                root = arg
                continue
            }
            var name = arg, inline: String? = nil
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                name = String(arg[..<eq])
                inline = String(arg[arg.index(after: eq)...])
            }
            guard let spec = options[name], seen.insert(spec.key).inserted else { return nil }
            var values: [String] = []
            switch spec.arity {
            case .flag:
                if inline != nil { return nil }
            case .value:
                if let inline {
                    values = [inline]
                } else {
                    guard i < args.count, !args[i].hasPrefix("-") else { return nil }
                    values = [args[i]]
                    i += 1
                }
            case .list:
                if inline != nil { return nil }
                while i < args.count, !args[i].hasPrefix("-") {
                    values.append(args[i])
                    i += 1
                }
                if values.isEmpty { return nil }
            }
            guard spec.apply(&command, values) else { return nil }
        }
        guard let root else { return nil }
        command.root = root
        // ArgumentParser's checks after parsing, each group's and the command's own.
        do {
            try command.common.validate()
            try command.obtainOptions.validate()
            try command.sharding.validate()
            try command.validate()
        } catch {
            return nil
        }
        return command
    }

    /// A command with every argument at its declared default (a property wrapper that was never
    /// set cannot be read).
    static func defaults(dataset: String) -> DatasetCommand {
        var c = DatasetCommand()
        c.dataset = dataset
        c.splitList = []
        c.tasks = []
        c.outDir = nil
        c.exif = .ignore
        c.preserveVertical = false
        c.vertical = nil
        c.warp = false
        c.resize = false
        c.width = nil
        c.height = nil
        c.valRatio = nil
        c.splitSeed = nil
        c.level = nil
        c.numSample = nil
        c.format = nil
        c.to = .mmocr0
        c.cocoJSON = false
        c.lmdb = false
        c.fromDet = false
        c.images = .link
        c.emitConfig = nil
        c.obtain = false
        var obtain = ObtainOptions()
        obtain.from = []
        obtain.keepArchives = false
        obtain.jobs = 2
        obtain.mirror = nil
        obtain.proxy = nil
        obtain.retries = 4
        obtain.timeout = 60
        obtain.maxExpansion = 100
        obtain.maxSize = 1000
        c.obtainOptions = obtain
        var common = RunOptions()
        common.nproc = ProcessInfo.processInfo.activeProcessorCount
        common.strict = false
        common.quiet = false
        common.report = nil
        c.common = common
        var sharding = ShardOptions()
        sharding.shard = nil
        sharding.shardFromEnv = nil
        sharding.shardCount = nil
        c.sharding = sharding
        return c
    }

    enum Arity { case flag, value, list }

    /// One option: the property it sets (`key`, for the at-most-once rule) and how.
    struct Spec {
        let key: String
        let arity: Arity
        /// Sets the property from the values; false when a value does not convert.
        let apply: (inout DatasetCommand, [String]) -> Bool
    }

    static func flag(_ key: String, _ set: @escaping (inout DatasetCommand) -> Void) -> Spec {
        Spec(key: key, arity: .flag) { c, _ in set(&c); return true }
    }

    static func value<T: ExpressibleByArgument>(_ key: String, _ set: @escaping (inout DatasetCommand, T) -> Void) -> Spec {
        Spec(key: key, arity: .value) { c, v in
            guard let value = T(argument: v[0]) else { return false }
            set(&c, value)
            return true
        }
    }

    static func list(_ key: String, _ set: @escaping (inout DatasetCommand, [String]) -> Void) -> Spec {
        Spec(key: key, arity: .list) { c, v in set(&c, v); return true }
    }

    /// Every spelling ArgumentParser accepts for each option of `DatasetCommand` and its groups.
    static let options: [String: Spec] = {
        let specs: [([String], Spec)] = [
            (["--split-list", "--splits"], list("splitList") { $0.splitList = $1 }),
            (["--task", "--tasks"], list("tasks") { $0.tasks = $1 }),
            (["-o", "--out-dir"], value("outDir") { (c, v: String) in c.outDir = v }),
            (["--exif"], value("exif") { (c, v: ExifPolicy) in c.exif = v }),
            (["--preserve-vertical", "--preserve_vertical"], flag("preserveVertical") { $0.preserveVertical = true }),
            (["--vertical"], value("vertical") { (c, v: CropSettings.VerticalRule) in c.vertical = v }),
            (["--warp"], flag("warp") { $0.warp = true }),
            (["--resize"], flag("resize") { $0.resize = true }),
            (["--width"], value("width") { (c, v: Int) in c.width = v }),
            (["--height"], value("height") { (c, v: Int) in c.height = v }),
            (["--val-ratio", "--val_ratio"], value("valRatio") { (c, v: Double) in c.valRatio = v }),
            (["--split-seed"], value("splitSeed") { (c, v: UInt64) in c.splitSeed = v }),
            (["--level"], value("level") { (c, v: String) in c.level = v }),
            (["-n", "--num-sample", "--num_sample"], value("numSample") { (c, v: Int) in c.numSample = v }),
            (["--format"], value("format") { (c, v: String) in c.format = v }),
            (["--to"], value("to") { (c, v: AnnotationTarget) in c.to = v }),
            (["--coco-json"], flag("cocoJSON") { $0.cocoJSON = true }),
            (["--lmdb"], flag("lmdb") { $0.lmdb = true }),
            (["--from-det"], flag("fromDet") { $0.fromDet = true }),
            (["--images"], value("images") { (c, v: ImagePlacement) in c.images = v }),
            (["--emit-config"], value("emitConfig") { (c, v: String) in c.emitConfig = v }),
            (["--obtain"], flag("obtain") { $0.obtain = true }),
            // ObtainOptions (`--from` is repeatable; once is what this reader takes).
            (["--from"], value("from") { (c, v: String) in c.obtainOptions.from = [v] }),
            (["--keep-archives"], flag("keepArchives") { $0.obtainOptions.keepArchives = true }),
            (["--jobs"], value("jobs") { (c, v: Int) in c.obtainOptions.jobs = v }),
            (["--mirror"], value("mirror") { (c, v: String) in c.obtainOptions.mirror = v }),
            (["--proxy"], value("proxy") { (c, v: String) in c.obtainOptions.proxy = v }),
            (["--retries"], value("retries") { (c, v: Int) in c.obtainOptions.retries = v }),
            (["--timeout"], value("timeout") { (c, v: Double) in c.obtainOptions.timeout = v }),
            (["--max-expansion"], value("maxExpansion") { (c, v: Double) in c.obtainOptions.maxExpansion = v }),
            (["--max-size"], value("maxSize") { (c, v: Double) in c.obtainOptions.maxSize = v }),
            // RunOptions
            (["--nproc"], value("nproc") { (c, v: Int) in c.common.nproc = v }),
            (["--strict"], flag("strict") { $0.common.strict = true }),
            (["-q", "--quiet"], flag("quiet") { $0.common.quiet = true }),
            (["--report"], value("report") { (c, v: String) in c.common.report = v }),
            // ShardOptions
            (["--shard"], value("shard") { (c, v: String) in c.sharding.shard = v }),
            (["--shard-from-env"], value("shardFromEnv") { (c, v: String) in c.sharding.shardFromEnv = v }),
            (["--shard-count"], value("shardCount") { (c, v: Int) in c.sharding.shardCount = v }),
        ]
        var table: [String: Spec] = [:]
        for (names, spec) in specs { for name in names { table[name] = spec } }
        return table
    }()
}
