import Foundation
import ArgumentParser
import PrepCore
import PrepPipeline

/// Options of the obtain step, shared by `prep obtain` and `prep NAME ROOT --obtain`.
/// (`DatasetArgv` reads these for dataset commands too: a new option goes there as well.)
struct ObtainOptions: ParsableArguments {
    @Option(name: .customLong("from"), help: ArgumentHelp("A folder holding archives downloaded by hand (after a registration): used from there, never changed. Repeatable.", valueName: "DIR"))
    var from: [String] = []

    @Flag(name: .customLong("keep-archives"), help: "Keep downloaded archives in ROOT/.archives/ after laying them out (default: removed once laid out).")
    var keepArchives = false

    @Option(name: .long, help: ArgumentHelp("Parallel downloads.", valueName: "N"))
    var jobs = 2

    @Option(name: .long, help: ArgumentHelp("Fetch every file from this host instead of the recipe's (scheme, host and port replaced, path kept); default: $PREP_OBTAIN_MIRROR.", valueName: "URL"))
    var mirror: String?

    @Option(name: .long, help: ArgumentHelp("HTTP(S) proxy (default: https_proxy / http_proxy / no_proxy from the environment, as curl).", valueName: "URL"))
    var proxy: String?

    @Option(name: .long, help: ArgumentHelp("Retries per file after a failed attempt (back-off 2 s, doubling).", valueName: "N"))
    var retries = 4

    @Option(name: .long, help: ArgumentHelp("Seconds without data before an attempt is abandoned.", valueName: "S"))
    var timeout: Double = 60

    @Option(name: .customLong("max-expansion"), help: ArgumentHelp("Refuse archives that expand more than R times their size (zip-bomb guard).", valueName: "R"))
    var maxExpansion: Double = 100

    @Option(name: .customLong("max-size"), help: ArgumentHelp("Refuse archives that expand to more than this many GB.", valueName: "GB"))
    var maxSize: Double = 1000

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard retries >= 0 else { throw ValidationError("--retries must be at least 0") }
        guard timeout > 0, maxExpansion > 1, maxSize > 0 else { throw ValidationError("--timeout, --max-expansion and --max-size must be positive") }
    }

    func settings(root: URL, splits: [String]?, tasks: [String]?, force: Bool, quiet: Bool) -> ObtainSettings {
        let env = ProcessInfo.processInfo.environment
        var s = ObtainSettings(root: root)
        s.splits = splits
        s.tasks = tasks
        s.fromDirectories = from.map { URL(fileURLWithPath: $0).standardizedFileURL }
        s.keepArchives = keepArchives
        s.force = force
        s.jobs = jobs
        s.mirror = mirror ?? env["PREP_OBTAIN_MIRROR"].flatMap { $0.isEmpty ? nil : $0 }
        s.download.proxy = proxy
        s.download.retries = retries
        s.download.stallTimeout = timeout
        // Tests shorten the back-off; users have no reason to.
        if let b = env["PREP_OBTAIN_BACKOFF"].flatMap(Double.init) { s.download.backoff = b }
        s.limits.maxRatio = maxExpansion
        s.limits.maxBytes = Int64(maxSize * 1e9)
        s.quiet = quiet
        return s
    }

    /// Checks the `--from` folders exist before anything is downloaded.
    func checkFolders() throws {
        for dir in from {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw PrepError.usage("--from \(dir): no such folder")
            }
        }
    }
}
