import Foundation
import PrepCore

/// What `prep obtain` is asked to do.
public struct ObtainSettings: Sendable {
    public var root: URL
    /// Splits whose files are obtained (nil: the recipe's default splits).
    public var splits: [String]?
    public var tasks: [String]?
    /// Folders where archives downloaded by hand wait (read in place, never changed).
    public var fromDirectories: [URL] = []
    /// Keep downloaded archives in `ROOT/.archives/` after they are laid out.
    public var keepArchives = false
    /// Replace files in the layout that differ from the archive's, and lay out again files the
    /// manifest says are done.
    public var force = false
    /// Parallel downloads.
    public var jobs = 2
    /// Base URL replacing every file's host (`--mirror`, or `PREP_OBTAIN_MIRROR`).
    public var mirror: String?
    public var download = DownloadSettings()
    public var limits = ArchiveExtractor.Limits()
    public var quiet = false

    public init(root: URL) { self.root = root }
}

/// Downloads (or takes from `--from`) a recipe's files, checks them, and lays them out under
/// ROOT as the recipe says: MMOCR 1.x's obtainer step, with resume, checksums before every use,
/// safe extraction and staged, non-destructive placement.
public struct Obtainer {
    public let recipe: Recipe
    public let settings: ObtainSettings

    public init(recipe: Recipe, settings: ObtainSettings) {
        self.recipe = recipe
        self.settings = settings
    }

    var archives: URL { settings.root.appendingPathComponent(".archives") }

    /// A file to lay out, and whether this run verified it already (a fresh download).
    typealias Pending = (item: ObtainItem, file: URL, checked: Bool)

    /// Runs the whole step; notes and warnings go to `report`.
    public func run(report: RunReport) throws {
        let items = try ObtainPlan.items(recipe, splits: settings.splits, tasks: settings.tasks, mirror: settings.mirror)
        guard !items.isEmpty else {
            report.notes.append("\(recipe.name) lists no files for these splits")
            return
        }
        do {
            try FileManager.default.createDirectory(at: archives, withIntermediateDirectories: true)
        } catch {
            throw PrepError.io(path: archives.path, reason: "cannot create the archive folder")
        }
        var manifest = ObtainManifest.read(root: settings.root)
        if !settings.force && Self.laidOutByHand(items, manifest: manifest, root: settings.root) {
            // A root prepared before prep obtain existed: `--obtain` must not download it again.
            report.notes.append("\(settings.root.path) already holds every folder the files fill (laid out by hand?); nothing obtained (--force fetches the files and compares)")
            return
        }

        // 1. What is done, what is at hand, what must be fetched, what needs a person.
        var pending: [Pending] = []
        var fetch: [ObtainItem] = []
        var byHand: [ObtainItem] = []
        for item in items {
            if item.isByHandOnly {
                report.warn(split: nil, file: item.name, reason: "prep cannot obtain this one; by hand: \(item.file.manual!)")
            } else if !settings.force && manifest.isLaidOut(item, root: settings.root) {
                report.notes.append("\(item.name): already laid out")
            } else if let found = locate(item) {
                pending.append((item, found, false))
            } else if item.url != nil {
                fetch.append(item)
            } else {
                byHand.append(item)
            }
        }
        if !byHand.isEmpty { throw PrepError.failed(Self.byHandMessage(byHand, recipe: recipe, root: settings.root)) }

        // 2. Downloads, a few at a time, each checked before it takes its final name.
        for (item, note) in try downloadAll(fetch) {
            report.notes.append("\(item.name): \(note)")
            pending.append((item, archives.appendingPathComponent(item.name), true))
        }

        // 3. Lay out, in recipe order (later archives merge into folders earlier ones made).
        let order = Dictionary(items.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        for p in pending.sorted(by: { order[$0.item.name]! < order[$1.item.name]! }) {
            try layOutAndRecord(p, manifest: &manifest, report: report)
        }
    }

    /// Downloads `items`, `--jobs` at a time; after one failure the rest are not started and
    /// that failure is thrown. Returns each item with its note, in `items` order.
    func downloadAll(_ items: [ObtainItem]) throws -> [(ObtainItem, String)] {
        guard !items.isEmpty else { return [] }
        let progress = PrepCore.Progress(label: "downloading", total: 0, quiet: settings.quiet, unit: .bytes)
        defer { progress.finish() }
        let downloader = HTTPDownloader(settings: settings.download, progress: progress)
        let results = ParallelResults(count: items.count)
        // Downloads wait on the network, not the CPU: `--jobs` threads of their own whatever
        // the core count (each blocks in libcurl for its whole transfer), not GCD workers.
        let gate = DispatchSemaphore(value: max(1, settings.jobs))
        let group = DispatchGroup()
        for i in items.indices {
            gate.wait()
            group.enter()
            Thread {
                if !results.anyFailed { results.set(i, Result { try fetchOne(items[i], downloader: downloader) }) }
                gate.signal()
                group.leave()
            }.start()
        }
        group.wait()
        let all = results.all
        for case .failure(let error)? in all { throw error }
        return zip(items, all).map { item, r in
            if case .success(let note)? = r { return (item, note) }
            return (item, "not downloaded")
        }
    }

    /// Checks (unless done) and lays out one file, records it in the manifest, and removes a
    /// downloaded archive unless `--keep-archives`.
    func layOutAndRecord(_ p: Pending, manifest: inout ObtainManifest, report: RunReport) throws {
        let fm = FileManager.default
        if !p.checked { try verify(p.item, p.file) }
        let placed = try layOut(p.item, from: p.file)
        // Only the destinations this archive filled (rules for other packagings of it may not apply).
        var filled: [String] = []
        for d in p.item.destinations where !filled.contains(d) && fm.fileExists(atPath: settings.root.appendingPathComponent(d).path) {
            filled.append(d)
        }
        let unused = placed.unusedCount > 0 ? "; \(placed.unusedCount) member(s) not used by the layout (e.g. \(placed.unused.joined(separator: ", ")))" : ""
        report.notes.append("\(p.item.name): \(placed.files) file(s) laid out into \(filled.joined(separator: ", "))\(unused)")
        manifest.entries[p.item.name] = .init(name: p.item.name, checksum: p.item.checksum.map { "\($0.algorithm.rawValue):\($0.hex)" },
                                              destinations: filled, files: placed.files, bytes: placed.bytes)
        try manifest.write(root: settings.root)
        if !settings.keepArchives && p.file.deletingLastPathComponent().standardizedFileURL == archives.standardizedFileURL {
            try? fm.removeItem(at: p.file)
        }
    }

    /// Whether no file was obtained by prep yet and every destination of every file exists.
    static func laidOutByHand(_ items: [ObtainItem], manifest: ObtainManifest, root: URL) -> Bool {
        let fetchable = items.filter { !$0.isByHandOnly }
        guard !fetchable.isEmpty, fetchable.allSatisfy({ manifest.entries[$0.name] == nil }) else { return false }
        return fetchable.allSatisfy { item in
            item.destinations.allSatisfy { d in
                d != "." && FileManager.default.fileExists(atPath: root.appendingPathComponent(d).path)
            }
        }
    }

    /// An archive already at hand: complete in `.archives/`, or in a `--from` folder.
    func locate(_ item: ObtainItem) -> URL? {
        let here = archives.appendingPathComponent(item.name)
        if FileManager.default.fileExists(atPath: here.path) { return here }
        for dir in settings.fromDirectories {
            let there = dir.appendingPathComponent(item.name)
            if FileManager.default.fileExists(atPath: there.path) { return there }
        }
        return nil
    }

    /// Downloads into `NAME.part` (resuming it), checks it, renames it to `NAME`.
    func fetchOne(_ item: ObtainItem, downloader: HTTPDownloader) throws -> String {
        let part = archives.appendingPathComponent(item.name + ".part")
        let (received, resumedFrom, attempts) = try downloader.download(item.url!, to: part)
        try verify(item, part)
        guard rename(part.path, archives.appendingPathComponent(item.name).path) == 0 else {
            throw PrepError.io(path: part.path, reason: "cannot rename the finished download")
        }
        let size = HTTPDownloader.size(of: archives.appendingPathComponent(item.name))
        let retried = attempts > 1 ? "; \(attempts - 1) interrupted attempt(s) resumed" : ""
        return resumedFrom > 0
            ? "resumed at \(PrepCore.Progress.bytes(Int(resumedFrom))), \(PrepCore.Progress.bytes(Int(received))) more downloaded (\(PrepCore.Progress.bytes(Int(size)))\(retried))"
            : "downloaded (\(PrepCore.Progress.bytes(Int(size)))\(retried))"
    }

    /// Checks a file against its published checksum. A mismatch in `.archives/` moves the file
    /// aside as `NAME.<alg>-mismatch` (so the next run fetches it again); a `--from` file is left
    /// where it is. Either way the run stops, naming both sums.
    func verify(_ item: ObtainItem, _ file: URL) throws {
        guard let (algorithm, expected) = item.checksum else { return }
        let bar = PrepCore.Progress(label: "checking \(item.name)", total: Int(HTTPDownloader.size(of: file)), quiet: settings.quiet, unit: .bytes)
        defer { bar.finish() }
        let actual = try Digest.hexOfFile(file, algorithm) { bar.advance($0) }
        guard actual != expected else { return }
        var what = "left as it is: a damaged or different copy; get the file again"
        if file.deletingLastPathComponent().standardizedFileURL == archives.standardizedFileURL || file.pathExtension == "part" {
            let aside = archives.appendingPathComponent(item.name + ".\(algorithm.rawValue)-mismatch")
            try? FileManager.default.removeItem(at: aside)
            if rename(file.path, aside.path) == 0 { what = "moved aside to \(aside.lastPathComponent); the next run downloads it afresh" }
        }
        throw PrepError.failed("\(file.path): \(algorithm.rawValue) mismatch: expected \(expected), got \(actual) (\(what))")
    }

    /// Unpacks (or copies) one checked file into a staging folder under ROOT, then merges it in.
    func layOut(_ item: ObtainItem, from file: URL) throws -> ArchiveExtractor.Result {
        let staging = try OutputStaging(directory: settings.root)
        do {
            var result = ArchiveExtractor.Result()
            if item.isArchive {
                let archive = try openArchive(file)
                let bar = PrepCore.Progress(label: "unpacking \(item.name)", total: 0, quiet: settings.quiet, unit: .bytes)
                defer { bar.finish() }
                result = try ArchiveExtractor(archive: archive, limits: settings.limits)
                    .extract(into: staging.stagingDirectory, onBytes: { bar.advance($0) }, place: item.destination(of:))
                if result.files == 0 {
                    throw PrepError.failed("\(file.path): no member matched the recipe's layout (\(item.file.extract?.map { "\($0.from) → \($0.to)" }.joined(separator: ", ") ?? "everything")): a different archive than the recipe expects?")
                }
            } else {
                let rel = try ArchiveExtractor.safeRelativePath(item.destinations[0], archive: file, what: "destination")
                let out = staging.stagingDirectory.appendingPathComponent(rel)
                try FileManager.default.createDirectory(at: out.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.copyItem(at: file, to: out)
                result.files = 1
                result.bytes = HTTPDownloader.size(of: out)
            }
            _ = try staging.mergeTree(force: settings.force)
            return result
        } catch {
            staging.discard()
            throw error
        }
    }

    /// The instructions for files no URL can fetch (each distinct instruction once).
    static func byHandMessage(_ items: [ObtainItem], recipe: Recipe, root: URL) -> String {
        var lines = ["\(items.count) file(s) of \(recipe.name) cannot be downloaded by prep; get them by hand, put them in one folder, and run again with --from DIR:"]
        var said = Set<String>()
        for item in items {
            lines.append("  \(item.name)")
            for text in [item.file.gone.map { "host gone: \($0)" }, item.file.manual, item.file.url.map { "source: \($0)" }].compactMap({ $0 })
            where said.insert(text).inserted {
                lines.append("    \(text)")
            }
        }
        lines.append("  e.g. prep obtain \(recipe.name) \(root.path) --from ~/Downloads")
        return lines.joined(separator: "\n")
    }
}

/// Results of a concurrent loop, one slot per iteration.
private final class ParallelResults: @unchecked Sendable {
    private var slots: [Result<String, Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<String, Error>) { lock.lock(); slots[i] = r; lock.unlock() }
    var all: [Result<String, Error>?] { lock.lock(); defer { lock.unlock() }; return slots }
    var anyFailed: Bool {
        lock.lock(); defer { lock.unlock() }
        return slots.contains { if case .failure = $0 { return true }; return false }
    }
}
