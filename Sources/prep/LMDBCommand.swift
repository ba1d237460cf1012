import Foundation
import ArgumentParser
import PrepCore
import PrepPipeline

/// `prep lmdb LABEL OUT`: a recognition LMDB from a label file, as MMOCR 0.6.3's
/// `tools/data/utils/lmdb_converter.py` builds it (same keys and values), without its defects.
struct LMDBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lmdb",
        abstract: "Build a text-recognition LMDB (image-N, label-N, num-samples) from a label file.",
        discussion: """
        The label file is txt (IMAGE TEXT per line; the line splits at its first separator, so \
        texts keep their spaces) or jsonl ({"filename": …, "text": …}). With -i, each image is read \
        from IMG_ROOT, decoded once to verify it, and stored as its file's bytes; label-N is the \
        text. With --label-only no image is opened and label-N is the JSON line \
        {"filename": …, "text": …}. Blank, malformed and non-UTF-8 lines and missing, truncated or \
        undecodable images are skipped and listed (file:line: reason); num-samples counts what was \
        written. OUT is built in a temporary folder and renamed into place; an existing OUT is \
        replaced only with --force.

        Examples:
          prep lmdb data/train_label.txt data/train.lmdb -i data/imgs
          prep lmdb data/label.jsonl data/label.lmdb --label-only
          prep lmdb clovaai/gt.txt clovaai/train.lmdb -i clovaai --separator tab --report lmdb.json
          prep cat data/train.lmdb --head 5
        """)

    @Argument(help: "The label file (txt or jsonl).")
    var label: String

    @Argument(help: "The LMDB directory to create.")
    var out: String

    @Option(name: [.short, .customLong("img-root")], help: "Folder the image names are relative to (required unless --label-only).")
    var imgRoot: String?

    @Option(name: [.short, .customLong("label-format")], help: "txt or jsonl (default: jsonl for a .jsonl file, else txt).")
    var format: String?

    @Flag(name: .customLong("label-only"), help: "Store only the labels, as JSON lines; images are not opened.")
    var labelOnly = false

    @Option(name: [.short, .customLong("batch-size")], help: "Samples per write transaction.")
    var batchSize: Int = 1000

    @Option(name: .long, help: ArgumentHelp("Where a txt line splits into image and text (at its first occurrence): a string, space (the default) or tab (clovaai gt.txt).", valueName: "SEP"))
    var separator: String?

    @Flag(name: .long, help: "Replace OUT if it exists.")
    var force = false

    // The reference's -m (map size) and -e (encoding), accepted so its command lines work.
    @Option(name: [.customShort("m"), .customLong("lmdb-map-size")], help: .hidden)
    var lmdbMapSize: Int?

    @Option(name: [.customShort("e"), .customLong("encoding")], help: .hidden)
    var encoding: String?

    @OptionGroup var common: RunOptions
    @OptionGroup var sharding: ShardOptions

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard labelOnly || imgRoot != nil else { throw ValidationError("give the image folder with -i IMG_ROOT, or use --label-only") }
        if let format, RecogLMDBJob.LabelFormat(rawValue: format) == nil {
            throw ValidationError("--label-format must be txt or jsonl, not '\(format)'")
        }
        guard !separatorValue.isEmpty else { throw ValidationError("--separator must not be empty") }
        if let encoding, !["utf8", "utf-8"].contains(encoding.lowercased()) {
            throw ValidationError("only UTF-8 label files are supported (-e \(encoding))")
        }
    }

    var separatorValue: String { CLI.separator(separator) }

    func run() throws {
        OutputGuard.shared.addInputs([label])
        OutputGuard.shared.addInputs([imgRoot], kind: .root)
        let labelURL = URL(fileURLWithPath: label).standardizedFileURL
        let fmt = format.flatMap(RecogLMDBJob.LabelFormat.init(rawValue:))
            ?? (labelURL.pathExtension.lowercased() == "jsonl" ? .jsonl : .txt)
        var job = RecogLMDBJob(labelFile: labelURL, output: URL(fileURLWithPath: out).standardizedFileURL,
                               imageRoot: imgRoot.map { URL(fileURLWithPath: $0).standardizedFileURL },
                               format: fmt, separator: separatorValue, labelOnly: labelOnly, batchSize: batchSize,
                               force: force, workers: common.nproc, strict: common.strict, quiet: common.quiet)
        job.shard = try sharding.resolve()
        let report = RunReport(command: "lmdb")
        if job.shard != nil { report.options["arguments"] = ShardOptions.fingerprint(outputs: [out]) }
        if lmdbMapSize != nil { report.notes.append("-m/--lmdb-map-size is ignored: the map grows as needed") }
        do {
            try RecogLMDBBuilder(job: job).run(report: report)
        } catch let error as PrepError {
            if case .usage = error { throw error }
            // Said on stderr even with --quiet (the summary, which repeats it, goes to stdout).
            CLI.printError(error.description)
            report.failure = error.description
            try common.finish(report)
            throw ExitCode.failure
        }
        try common.finish(report)
    }
}
