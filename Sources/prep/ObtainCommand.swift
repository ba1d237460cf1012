import Foundation
import ArgumentParser
import PrepCore
import PrepPipeline

/// `prep obtain NAME ROOT`: downloads a zoo dataset's files (or takes them from `--from`),
/// checks them and lays them out under ROOT as `prep zoo NAME` shows.
struct ObtainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "obtain",
        abstract: "Download a dataset's official files, check them and lay them out under ROOT.",
        discussion: """
        Archives are fetched into ROOT/.archives/ (a cut download resumes from its .part file),
        checked against the recipe's md5/sha256 before use (a mismatch is moved aside and the run
        stops), unpacked safely (no absolute paths, '..', symlinks leaving ROOT, or archive bombs)
        into a staging folder and merged into ROOT; files already there are kept unless --force.
        Datasets behind a registration (ICDAR RRC, …): download by hand, then --from DIR.
        A second run downloads nothing (ROOT/.archives/obtained.json records what was laid out).

        Examples:
          prep obtain icdar2015 /data/icdar2015
          prep obtain icdar2015 /data/icdar2015 --from ~/Downloads --split-list test
          prep obtain totaltext /data/totaltext --jobs 4 --keep-archives
          prep obtain svt /data/svt --mirror http://mirror.example.org --proxy http://proxy:3128
          prep icdar2015 /data/icdar2015 --obtain          (obtain, then prepare)
          prep zoo icdar2015 --root /data/icdar2015         (what is present, partial, verified)
        """)

    @Argument(help: "A dataset name (prep zoo lists them).")
    var name: String

    @Argument(help: "The dataset's root folder (created if missing).")
    var root: String

    @Option(name: [.customLong("split-list"), .customLong("splits")], parsing: .upToNextOption,
            help: "Splits whose files are obtained (default: the dataset's usual ones).")
    var splitList: [String] = []

    @Option(name: [.customLong("task"), .customLong("tasks")], parsing: .upToNextOption,
            help: "Only files these tasks need, where the recipe says (default: all).")
    var tasks: [String] = []

    @Flag(name: .long, help: "Replace files in ROOT that differ from the archives', and lay out again what was laid out before.")
    var force = false

    @OptionGroup var obtain: ObtainOptions

    @OptionGroup var common: RunOptions

    func run() throws {
        let zoo = try Zoo.load()
        guard let recipe = zoo.recipe(name) else {
            throw ValidationError("unknown dataset '\(name)' (known: \(zoo.names.joined(separator: ", ")))")
        }
        try obtain.checkFolders()
        let root = URL(fileURLWithPath: self.root).standardizedFileURL
        try RunOptions.running("obtain", common, root: root.path) { report in
            report.dataset = recipe.name
            let settings = obtain.settings(root: root, splits: splitList.isEmpty ? nil : splitList,
                                           tasks: tasks.isEmpty ? nil : tasks, force: force, quiet: common.quiet)
            try Obtainer(recipe: recipe, settings: settings).run(report: report)
        }
    }
}
