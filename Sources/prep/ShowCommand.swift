import Foundation
import ArgumentParser
import PrepCore
import PrepPipeline

/// `prep show PATH -o DIR`: a static HTML gallery to look at a dataset.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Write a static HTML gallery of a dataset: polygons drawn, labels, anomalies linked.",
        discussion: """
        PATH is anything prep validate reads (COCO JSON, txt/jsonl labels, an LMDB). Open \
        DIR/index.html in any browser: a summary with every anomaly linked to the picture that \
        shows it, then pages of thumbnails (solid green = text, dashed red = ignored).

        Examples:
          prep show out/instances_training.json --images data/imgs -o gallery
          prep show out/train_label.txt -o gallery --only char-outside-charset --limit 100
          prep show data/train.lmdb -o gallery --per-page 100
          prep eval det gt.json preds/ --worst 20 --worst-out worst.txt && prep show gt.json -o gallery --only worst.txt
        """)

    @Argument(help: ArgumentHelp("The input (SPLIT=PATH names its split).", valueName: "PATH"))
    var path: String

    @Option(name: .long, help: ArgumentHelp("Folder image names are relative to (default: the input's folder).", valueName: "DIR"))
    var images: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Output folder.", valueName: "DIR"))
    var output: String

    @Option(name: .long, help: "Items shown at most.")
    var limit: Int = 200

    @Option(name: .customLong("per-page"), help: "Items per HTML page.")
    var perPage: Int = 50

    @Option(name: .long, help: ArgumentHelp("Only items with this anomaly (a prep validate type name), or only the images a file lists one per line (prep eval --worst-out).", valueName: "ANOMALY|FILE"))
    var only: String?

    @Option(name: .long, help: ArgumentHelp("Character set for the anomaly list (as prep validate).", valueName: "FILE"))
    var charset: String?

    @Option(name: .customLong("max-len"), help: "Longest transcription (as prep validate).")
    var maxLen: Int?

    @Option(name: .long, help: ArgumentHelp("Write the validation report (as prep validate --report) to this file.", valueName: "FILE.json"))
    var report: String?

    @Flag(name: [.short, .long], help: "No summary.")
    var quiet = false

    @Option(name: .long, help: "Worker threads (default: the number of cores).")
    var nproc: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard limit >= 1, perPage >= 1, nproc >= 1 else { throw ValidationError("--limit, --per-page and --nproc must be at least 1") }
        if let only, AnomalyKind(rawValue: only) == nil, !FileManager.default.fileExists(atPath: only) {
            throw ValidationError("--only: '\(only)' is neither an anomaly nor a file of image names; anomalies: " + AnomalyKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    func run() throws {
        OutputGuard.shared.addInputs([path, charset, only.flatMap { AnomalyKind(rawValue: $0) == nil ? $0 : nil }])
        OutputGuard.shared.addInputs([images], kind: .root)
        var options = Gallery.Options()
        options.images = images.map { URL(fileURLWithPath: $0) }
        options.limit = limit
        options.perPage = perPage
        if let only {
            options.only = try AnomalyKind(rawValue: only).map { .anomaly($0) } ?? Gallery.Filter.names(in: URL(fileURLWithPath: only))
        }
        options.validation.images = options.images
        options.validation.text = TextCheck(charset: try charset.map { try TextCheck.loadCharset(URL(fileURLWithPath: $0)) }, maxLength: maxLen)
        options.validation.workers = nproc
        let (split, file) = ValidationInputs.split(for: path)
        let out = URL(fileURLWithPath: output)
        let started = Date()
        let r = try Gallery(options: options).write(path: file, split: split, to: out)
        if let report {
            try ValidationReport(validator: r.validator, seconds: Date().timeIntervalSince(started), strict: false)
                .write(to: URL(fileURLWithPath: report))
        }
        if !quiet {
            print("prep show: \(r.items) items (\(r.instances) instances) on \(r.pages) page(s), \(r.errors) error(s), \(r.warnings) warning(s) → \(out.appendingPathComponent("index.html").path)")
            if r.unmatchedNames > 0 { print("  \(r.unmatchedNames) image(s) of \(only ?? "") not in \(path)") }
        }
    }
}
