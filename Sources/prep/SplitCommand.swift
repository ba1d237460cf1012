import Foundation
import ArgumentParser
import PrepCore
import PrepFormats
import PrepPipeline

/// `prep split INPUT --ratios train=0.8,val=0.1,test=0.1`: seeded, page-level splits.
struct SplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split any annotation file into train/val/test by ratio: seeded, page-level, recorded in the report.",
        discussion: """
        Writes OUT/<input stem>_<split>.<ext> for each split, in the input's format (or --to). Records are grouped by page (a detection record is a page; a crop img_12_3.png belongs to page img_12), so crops of one page never land in two splits; --group-by record assigns each record on its own. Groups are sorted, shuffled with the seed (SplitMix64), and cut by the ratios. The seed, the group counts and the whole assignment go in the report (--report).

        Examples:
          prep split instances_training.json --ratios train=0.9,val=0.1 --seed 1 -o splits
          prep split label.jsonl --ratios train=0.8,val=0.1,test=0.1 --report split.json
          prep split textdet_train.json --ratios train=0.8,val=0.2 --to paddle -o paddle
        """)

    @Argument(help: "The annotation file (or LMDB folder) to split.")
    var input: String

    @Option(name: .long, help: ArgumentHelp("Split names and ratios (normalised by their sum).", valueName: "name=r,…"))
    var ratios: String

    @Option(name: .long, help: "Seed of the shuffle (default 0).")
    var seed: UInt64 = 0

    @Option(name: .customLong("group-by"), help: ArgumentHelp("page (default) or record.", valueName: "unit"))
    var groupBy: String = "page"

    @Option(name: [.short, .customLong("out-dir")], help: "Output folder (default: the input's folder).")
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Input format, or auto (default).", valueName: "format"))
    var from: String = "auto"

    @Option(name: .long, help: ArgumentHelp("Write the splits in this format instead of the input's.", valueName: "format"))
    var to: AnnotationTarget?

    @Option(name: .long, help: ArgumentHelp("Folder image paths are relative to (for --to lmdb).", valueName: "DIR"))
    var images: String?

    @Flag(name: .long, help: "Replace split files that exist.")
    var force = false

    @OptionGroup var common: RunOptions

    func run() throws {
        OutputGuard.shared.addInputs([input])
        OutputGuard.shared.addInputs([images], kind: .root)
        guard let grouping = SplitJob.Grouping(rawValue: groupBy) else { throw PrepError.usage("--group-by must be page or record") }
        var format: AnnotationFormat? = nil
        if from != "auto" {
            guard let f = AnnotationFormat(rawValue: from) else { throw PrepError.usage("--from \(from): unknown format") }
            format = f
        }
        let input = URL(fileURLWithPath: self.input).standardizedFileURL
        var job = SplitJob(input: input, outputDirectory: out.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? input.deletingLastPathComponent(),
                           ratios: try SplitJob.parseRatios(ratios), seed: seed, grouping: grouping, from: format, target: to,
                           images: images.map { URL(fileURLWithPath: $0).standardizedFileURL })
        job.force = force
        let report = RunReport(command: "split")
        try common.perform(report) { try job.run(report: report) }
    }
}
