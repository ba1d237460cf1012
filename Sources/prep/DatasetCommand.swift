import Foundation
import ArgumentParser
import PrepCore
import PrepPipeline

/// `prep NAME ROOT …`: prepares one dataset of the zoo. Reached through the dataset's name.
struct DatasetCommand: ParsableCommand {
    nonisolated(unsafe) static var invokedName: String?

    static var configuration: CommandConfiguration {
        let name = invokedName ?? "dataset"
        let recipe = invokedName.flatMap { try? Zoo.load().recipe($0) }
        return CommandConfiguration(
            commandName: name,
            abstract: recipe.map { "Prepare \($0.title)." } ?? "Prepare a dataset of the zoo (use its name: prep NAME ROOT).",
            discussion: recipe.map(DatasetCommand.discussion) ?? "",
            shouldDisplay: false)
    }

    static func discussion(_ r: Recipe) -> String {
        """
        Splits: \(r.splits.joined(separator: ", ")) (default: \((r.defaultSplits ?? r.splits).joined(separator: " "))). Tasks: \(r.tasks.joined(separator: ", ")).
        Writes \(r.outputs.values.sorted().joined(separator: ", ")) into OUT (default: ROOT).

        Expected layout:
        \(r.tree ?? "")
        Examples:
          prep \(r.name) /data/\(r.name) --split-list \((r.defaultSplits ?? r.splits).joined(separator: " "))
          prep \(r.name) /data/\(r.name) -o /tmp/out --nproc 4 --report report.json
        """
    }

    @Option(name: .long, help: .hidden)
    var dataset: String

    @Argument(help: "The dataset's root folder (raw layout: prep zoo NAME).")
    var root: String

    @Option(name: [.customLong("split-list"), .customLong("splits")], parsing: .upToNextOption,
            help: "Splits to prepare (default: the dataset's usual ones).")
    var splitList: [String] = []

    @Option(name: [.customLong("task"), .customLong("tasks")], parsing: .upToNextOption,
            help: "Tasks: det (more as the zoo grows).")
    var tasks: [String] = []

    @Option(name: [.short, .customLong("out-dir")], help: "Output folder (default: ROOT).")
    var outDir: String?

    @Option(name: .long, help: "EXIF orientation policy: ignore (coordinates on stored pixels, the default) or apply.")
    var exif: ExifPolicy = .ignore

    @OptionGroup var common: RunOptions

    func run() throws {
        let zoo = try Zoo.load()
        guard let recipe = zoo.recipe(dataset) else { throw PrepError.usage("unknown dataset '\(dataset)'") }
        let root = URL(fileURLWithPath: self.root).standardizedFileURL
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir), isDir.boolValue else {
            throw PrepError.layout("\(root.path): no such folder (the dataset root)")
        }
        let job = DatasetJob(recipe: recipe, root: root,
                             outputDirectory: outDir.map { URL(fileURLWithPath: $0).standardizedFileURL },
                             splits: splitList.isEmpty ? nil : splitList,
                             tasks: tasks.isEmpty ? nil : tasks,
                             workers: common.nproc, exif: exif, strict: common.strict, quiet: common.quiet)
        let report = RunReport(command: dataset)
        do {
            try DatasetRunner(job: job).run(report: report)
        } catch let error as PrepError {
            if case .usage = error { throw error }
            report.failure = error.description
            try common.finish(report, root: root.path)
            throw ExitCode.failure
        }
        try common.finish(report, root: root.path)
    }
}

extension ExifPolicy: ExpressibleByArgument {}
