import Foundation
import ArgumentParser
import PrepCore
import PrepPipeline

/// `prep validate PATH…`: the check a CI job runs on a prepared dataset.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check prepared OCR data (COCO JSON, txt/jsonl labels, LMDB) for what breaks training.",
        discussion: """
        Each PATH is one input; its split is taken from the name (instances_training.json → \
        training, train_label.txt → train, val.lmdb → val) or given as SPLIT=PATH. Formats are \
        detected. Every finding has a stable name and a severity (see the README, "prep \
        validate"): errors fail the run (exit 1), warnings only under --strict.

        Examples:
          prep validate out/instances_training.json out/instances_test.json
          prep validate train=out/train_label.txt test=out/test_label.txt --charset dict.txt --max-len 25
          prep validate data/train.lmdb --decode --report validate.json --format github

        Sharded (one share of the images per worker of a cluster array; the merged \
        OUT/validate.json equals the unsharded --report but for summary.seconds):
          prep validate out/instances_training.json --shard $I/8 -o shards/$I     (I = 0 … 7)
          prep merge checked shards/*                                (checked/validate.json)
        """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json, github }

    @Argument(help: ArgumentHelp("Inputs: COCO JSON, txt/jsonl label files, LMDB directories (SPLIT=PATH names the split).", valueName: "PATH"))
    var paths: [String]

    @Option(name: .long, help: ArgumentHelp("Folder image names are relative to (default: each input's folder).", valueName: "DIR"))
    var images: String?

    @Option(name: .long, help: ArgumentHelp("Character set, one character per line (MMOCR dict file).", valueName: "FILE"))
    var charset: String?

    @Option(name: .customLong("max-len"), help: "Longest transcription allowed, in characters.")
    var maxLen: Int?

    @Option(name: .long, help: "Pixels a point may lie outside its image before it is an error (a warning up to there).")
    var tolerance: Double = 2

    @Flag(name: .long, help: "Decode every image (finds corrupt data the header and end marker do not show; slower).")
    var decode = false

    @Flag(name: .customLong("skip-images"), help: "Do not open images (annotation checks only).")
    var skipImages = false

    @Flag(name: .long, help: "Warnings fail the run too.")
    var strict = false

    @Option(name: .long, help: "text (summary), json (the report on stdout) or github (workflow annotations + summary).")
    var format: OutputFormat = .text

    @Option(name: .long, help: ArgumentHelp("Write the JSON report to this file.", valueName: "FILE.json"))
    var report: String?

    @Flag(name: [.short, .long], help: "No summary (the exit status and --report still tell).")
    var quiet = false

    @Option(name: .long, help: "Worker threads for image checks (default: the number of cores).")
    var nproc: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var sharding: ShardOptions

    @Option(name: [.short, .customLong("out-dir")], help: ArgumentHelp("With --shard: the shard's folder (its validate.json and the ledger prep merge reads).", valueName: "DIR"))
    var outDir: String?

    func validate() throws {
        if let maxLen, maxLen < 1 { throw ValidationError("--max-len must be at least 1") }
        guard tolerance >= 0 else { throw ValidationError("--tolerance must not be negative") }
        guard nproc >= 1 else { throw ValidationError("--nproc must be at least 1") }
    }

    func run() throws {
        OutputGuard.shared.addInputs(paths.map { ValidationInputs.split(for: $0).path } + [charset]); OutputGuard.shared.addInputs([images], kind: .root)
        let started = Date()
        var options = Validator.Options()
        options.images = images.map { URL(fileURLWithPath: $0) }
        options.text = TextCheck(charset: try charset.map { try TextCheck.loadCharset(URL(fileURLWithPath: $0)) }, maxLength: maxLen)
        options.geometry = GeometryCheck(tolerance: tolerance)
        options.image = ImageCheck(decode: decode)
        options.skipImages = skipImages
        options.workers = nproc
        options.shard = try sharding.resolve()
        if options.shard != nil && outDir == nil { throw PrepError.usage("--shard needs -o DIR: the shard's folder for prep merge") }
        if options.shard == nil && outDir != nil { throw PrepError.usage("-o goes with --shard (without it, --report FILE.json writes the report)") }
        let validator = Validator(options: options)
        let shardRun = try options.shard.map { try ValidateShardRun(shard: $0, folder: URL(fileURLWithPath: outDir!), validator: validator) }
        // Progress per input, on a terminal only.
        let progress = Progress(label: "validate", total: paths.count, quiet: quiet || format == .json)
        for (i, argument) in paths.enumerated() {
            let (split, path) = ValidationInputs.split(for: argument)
            let input = try ValidationInputs.open(URL(fileURLWithPath: path), images: options.images)
            let records = try validator.validate(input, path: path, split: split)
            shardRun?.ledger.enumerated("input \(i + 1): \(argument)", total: records)
            progress.advance()
        }
        progress.finish()
        validator.finish()
        let result = ValidationReport(validator: validator, seconds: Date().timeIntervalSince(started), strict: strict)
        if let report { try result.write(to: URL(fileURLWithPath: report)) }
        try shardRun?.finish(result)
        switch format {
        case .json:
            var out = PyJSON(ensureASCII: false).encode(result.json())
            out.append(0x0A)
            FileHandle.standardOutput.write(Data(out))
        case .github:
            let a = result.githubAnnotations()
            if !a.isEmpty { print(a) }
            if !quiet { print(result.summary()) }
        case .text:
            if !quiet { print(result.summary()) }
        }
        if result.failed { throw ExitCode.failure }
    }
}

/// The folder of one `prep validate --shard I/N` run: its `validate.json` (its share's report)
/// and the ledger (`.prep-shard/`: manifest, digests, crop names, state) `prep merge` reads.
/// Staged: it appears whole or not at all.
private struct ValidateShardRun {
    let staging: OutputStaging
    let ledger: ShardLedger
    let validator: Validator

    init(shard: Shard, folder: URL, validator: Validator) throws {
        staging = try OutputStaging(directory: folder)
        ledger = try ShardLedger(shard: shard, staging: staging)
        self.validator = validator
        try validator.startShard(in: staging.stagingDirectory.appendingPathComponent(ShardManifest.folder))
    }

    func finish(_ result: ValidationReport) throws {
        do {
            try result.write(to: try staging.url(for: "validate.json"))
            try validator.writeShard(to: staging.stagingDirectory.appendingPathComponent(ShardManifest.folder),
                                     seconds: result.seconds, strict: result.strict)
            let report = RunReport(command: "validate")
            report.options["arguments"] = ShardOptions.fingerprint()
            try ledger.finish(report: report)
            try staging.commit()
        } catch {
            staging.discard()
            throw error
        }
    }
}
