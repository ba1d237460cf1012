import Foundation
import ArgumentParser
import PrepCore
import PrepPipeline

extension DatasetCommand {
    /// `--obtain`: runs the obtain step before the conversion. Its notes go to stderr, so the
    /// conversion's summary on stdout stays what it is without `--obtain`; a failure ends the
    /// run (exit 1) before anything is converted.
    func obtainFirst(_ recipe: Recipe) throws {
        guard obtain else {
            if !obtainOptions.from.isEmpty || obtainOptions.mirror != nil || obtainOptions.keepArchives {
                throw PrepError.usage("--from, --mirror and --keep-archives go with --obtain (or use prep obtain)")
            }
            return
        }
        try obtainOptions.checkFolders()
        let root = URL(fileURLWithPath: self.root).standardizedFileURL
        let report = RunReport(command: "obtain", dataset: recipe.name)
        let settings = obtainOptions.settings(root: root, splits: splitList.isEmpty ? nil : splitList,
                                              tasks: tasks.isEmpty ? nil : tasks, force: false, quiet: common.quiet)
        do {
            try Obtainer(recipe: recipe, settings: settings).run(report: report)
        } catch let error as PrepError {
            if case .usage = error { throw error }
            CLI.printError(error.description)
            throw ExitCode.failure
        }
        if !common.quiet {
            for note in report.notes { FileHandle.standardError.write(Data("obtain: \(note)\n".utf8)) }
            for issue in report.issues { FileHandle.standardError.write(Data("obtain: warning: \(issue.location): \(issue.reason)\n".utf8)) }
        }
    }
}
