import Foundation
import ArgumentParser
import PrepCore

/// Options every long-running command takes.
/// (`DatasetArgv` reads these for dataset commands too: a new option goes there as well.)
struct RunOptions: ParsableArguments {
    @Option(name: .long, help: "Worker threads (default: the number of cores). Outputs are identical for any value.")
    var nproc: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .long, help: "Fail (exit 1, nothing written) if any sample is skipped.")
    var strict = false

    @Flag(name: [.short, .long], help: "No progress bar and no summary.")
    var quiet = false

    @Option(name: .long, help: ArgumentHelp("Write the summary as JSON to this file.", valueName: "FILE.json"))
    var report: String?

    func validate() throws {
        guard nproc >= 1 else { throw ValidationError("--nproc must be at least 1") }
    }

    /// Prints the summary (unless quiet), writes the JSON report if asked.
    func finish(_ report: RunReport, root: String? = nil) throws {
        // Zero samples from a non-empty input is a failure, said even under --quiet.
        let emptyRun = report.failure == nil ? report.nothingWrittenReason : nil
        if let why = emptyRun { report.failure = why }
        report.finish()
        if !quiet { print(report.summary(root: root)) }
        if let path = self.report { try report.write(to: URL(fileURLWithPath: path)) }
        if let why = emptyRun {
            CLI.printError(why)
            throw ExitCode.failure
        }
    }

    /// Runs `body`, then prints/writes the report; a failure (other than a usage error) is
    /// recorded in the report and ends with exit 1.
    func perform(_ report: RunReport, root: String? = nil, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as PrepError {
            if case .usage = error { throw error }
            report.failure = error.description
            try finish(report, root: root)
            // The summary (stdout) names the failure too, but not under --quiet.
            CLI.printError(error.description)
            throw ExitCode.failure
        }
        try finish(report, root: root)
    }
}

extension RunOptions {
    /// Runs a command body with a fresh report: the summary and JSON report are written whether
    /// the body succeeds or fails (then exit 1); usage errors pass through (exit 2).
    static func running(_ command: String, _ options: RunOptions, root: String? = nil, _ body: (RunReport) throws -> Void) throws {
        let report = RunReport(command: command)
        try options.perform(report, root: root) { try body(report) }
    }
}
