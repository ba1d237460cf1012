import Foundation

/// What a run did: counts per split, every skipped item with its reason, EXIF-tagged images,
/// outputs and time. Printed as a one-screen summary and written with `--report FILE.json`.
public final class RunReport: @unchecked Sendable {
    /// Counts for one split (or one output).
    public struct SplitCounts: Codable, Sendable {
        public var split: String
        public var images = 0
        public var instances = 0
        public var ignored = 0
        public var skipped = 0
        public var outputs: [String] = []
        public init(split: String) { self.split = split }
    }

    /// A sample, line or file left out, or something worth a look.
    public struct Issue: Codable, Sendable, Equatable {
        public enum Severity: String, Codable, Sendable { case skipped, warning }
        public var severity: Severity
        public var split: String?
        public var file: String
        public var line: Int?
        public var reason: String
        public init(severity: Severity = .skipped, split: String? = nil, file: String, line: Int? = nil, reason: String) {
            self.severity = severity
            self.split = split
            self.file = file
            self.line = line
            self.reason = reason
        }
        /// `file:line: reason`.
        public var location: String { line.map { "\(file):\($0)" } ?? file }
    }

    public let command: String
    public var dataset: String?
    public var options: [String: String] = [:]
    public private(set) var splits: [SplitCounts] = []
    /// The first `keptIssues` issues, in full; later ones are only counted (`unlisted`), so a
    /// run skipping millions of lines keeps a bounded report.
    public private(set) var issues: [Issue] = []
    /// Issues counted but not kept, by severity.
    public private(set) var unlisted: [Issue.Severity: Int] = [:]
    /// How many issues are kept in full (`PREP_MAX_ISSUES` overrides the default 10,000).
    public static let keptIssues = ProcessInfo.processInfo.environment["PREP_MAX_ISSUES"].flatMap(Int.init).map { max(0, $0) } ?? 10_000
    public private(set) var exifTagged: [String] = []
    public var notes: [String] = []
    /// Command-specific sections appended to the JSON report (e.g. `prep split`'s assignment).
    public var extra: [(String, JSONValue)] = []
    public var failure: String?
    private let started = Date()
    public private(set) var seconds: Double = 0
    private let lock = NSLock()

    public init(command: String, dataset: String? = nil) {
        self.command = command
        self.dataset = dataset
    }

    /// Counts for `split`, created on first use.
    public func update(split: String, _ body: (inout SplitCounts) -> Void) {
        lock.lock(); defer { lock.unlock() }
        updateLocked(split: split, body)
    }

    private func updateLocked(split: String, _ body: (inout SplitCounts) -> Void) {
        if let i = splits.firstIndex(where: { $0.split == split }) { body(&splits[i]) }
        else { var c = SplitCounts(split: split); body(&c); splits.append(c) }
    }

    public func add(_ issue: Issue) {
        lock.lock(); defer { lock.unlock() }
        if issues.count < Self.keptIssues { issues.append(issue) } else { unlisted[issue.severity, default: 0] += 1 }
        if issue.severity == .skipped, let split = issue.split {
            updateLocked(split: split) { $0.skipped += 1 }
        }
    }

    public func skip(split: String?, file: String, line: Int? = nil, reason: String) {
        add(Issue(severity: .skipped, split: split, file: file, line: line, reason: reason))
    }

    public func warn(split: String?, file: String, line: Int? = nil, reason: String) {
        add(Issue(severity: .warning, split: split, file: file, line: line, reason: reason))
    }

    public func exifTagged(_ name: String) {
        lock.lock(); exifTagged.append(name); lock.unlock()
    }

    /// Files read from a temporary folder during the run (an archive extracted into the staged
    /// outputs) are named by where they end up: paths under `from` move under `to`.
    public func renamePaths(under from: String, to: String) {
        lock.lock(); defer { lock.unlock() }
        func moved(_ p: String) -> String { p.hasPrefix(from + "/") ? to + p.dropFirst(from.count) : p }
        for i in issues.indices { issues[i].file = moved(issues[i].file) }
        exifTagged = exifTagged.map(moved)
    }

    public var skippedCount: Int { issues.filter { $0.severity == .skipped }.count + (unlisted[.skipped] ?? 0) }
    public var warningCount: Int { issues.filter { $0.severity == .warning }.count + (unlisted[.warning] ?? 0) }

    /// Why a run that read something but wrote no sample failed, in one line (nil when it wrote
    /// samples or skipped nothing): "nothing was written" must never look like a success.
    public var nothingWrittenReason: String? {
        lock.lock(); defer { lock.unlock() }
        let written = splits.reduce(0) { $0 + $1.images + $1.instances }
        let skipped = issues.filter { $0.severity == .skipped }.count + (unlisted[.skipped] ?? 0)
        // A shard may hold nothing of a small dataset: its ledger sets `options["shard"]` in
        // `finish`, which every runner calls before this check.
        guard written == 0, skipped > 0, options["shard"] == nil else { return nil }
        let first = issues.first { $0.severity == .skipped }.map { " (first: \($0.location): \($0.reason))" } ?? ""
        return "nothing was written: all \(skipped) item(s) read were skipped\(first)"
    }

    /// Throws `nothingWrittenReason` (called before outputs are committed, so an empty run
    /// leaves nothing behind).
    public func requireWritten() throws {
        if let why = nothingWrittenReason { throw PrepError.failed(why) }
    }

    public func finish() {
        seconds = Date().timeIntervalSince(started)
        notes += StagingRegistry.shared.takeStaleRemoved()
    }

    // MARK: rendering

    /// The one-screen summary: counts per split, skipped with reasons (first few, then grouped),
    /// EXIF-tagged images, outputs, time.
    public func summary(maxListed: Int = 10, root: String? = nil) -> String {
        var lines: [String] = []
        let title = dataset == nil || dataset == command ? command : "\(command) \(dataset!)"
        lines.append("prep \(title): \(failure == nil ? "done" : "FAILED") in \(String(format: "%.2f", seconds)) s")
        if !splits.isEmpty {
            let w = max(5, splits.map(\.split.count).max() ?? 5)
            lines.append("  " + "split".padding(toLength: w, withPad: " ", startingAt: 0) + "   images  instances  ignored  skipped")
            for s in splits {
                lines.append("  " + s.split.padding(toLength: w, withPad: " ", startingAt: 0)
                             + String(format: " %8d %10d %8d %8d", s.images, s.instances, s.ignored, s.skipped))
            }
        }
        let skipped = issues.filter { $0.severity == .skipped }
        let warnings = issues.filter { $0.severity == .warning }
        for (label, group, more) in [("skipped", skipped, unlisted[.skipped] ?? 0), ("warnings", warnings, unlisted[.warning] ?? 0)]
        where !group.isEmpty {
            let total = group.count + more
            lines.append("  \(label): \(total)")
            for issue in group.prefix(maxListed) { lines.append("    \(shorten(issue.location, root)): \(issue.reason)") }
            if total > maxListed {
                lines.append("    … \(total - maxListed) more (see --report\(more > 0 ? "; it lists the first \(Self.keptIssues)" : ""))")
            }
        }
        if !exifTagged.isEmpty {
            let shown = exifTagged.prefix(3).map { shorten($0, root) }.joined(separator: ", ")
            lines.append("  EXIF-tagged images: \(exifTagged.count) (\(shown)\(exifTagged.count > 3 ? ", …" : ""));"
                         + " policy: \(options["exif"] ?? "ignore")")
        }
        for note in notes { lines.append("  note: \(note)") }
        let outputs = splits.flatMap(\.outputs)
        if !outputs.isEmpty { lines.append("  wrote: " + outputs.joined(separator: ", ")) }
        if let failure { lines.append("  error: \(failure)") }
        return lines.joined(separator: "\n")
    }

    private func shorten(_ path: String, _ root: String?) -> String {
        guard let root, path.hasPrefix(root + "/") else { return path }
        return String(path.dropFirst(root.count + 1))
    }

    /// The machine-readable report.
    public func json() -> JSONValue {
        func issueJSON(_ i: Issue) -> JSONValue {
            var pairs: [(String, JSONValue)] = [("severity", .string(i.severity.rawValue))]
            if let s = i.split { pairs.append(("split", .string(s))) }
            pairs.append(("file", .string(i.file)))
            if let l = i.line { pairs.append(("line", .int(l))) }
            pairs.append(("reason", .string(i.reason)))
            return .object(pairs)
        }
        let splitJSON: [JSONValue] = splits.map { s in
            .object([("split", .string(s.split)), ("images", .int(s.images)), ("instances", .int(s.instances)),
                     ("ignored", .int(s.ignored)), ("skipped", .int(s.skipped)),
                     ("outputs", .array(s.outputs.map { .string($0) }))])
        }
        var pairs: [(String, JSONValue)] = [
            ("command", .string(command)),
            ("ok", .bool(failure == nil)),
        ]
        if let d = dataset { pairs.append(("dataset", .string(d))) }
        pairs.append(("options", .object(options.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        pairs.append(("splits", .array(splitJSON)))
        pairs.append(("totals", .object([
            ("images", .int(splits.reduce(0) { $0 + $1.images })),
            ("instances", .int(splits.reduce(0) { $0 + $1.instances })),
            ("ignored", .int(splits.reduce(0) { $0 + $1.ignored })),
            ("skipped", .int(skippedCount)),
            ("warnings", .int(warningCount)),
            ("exif_tagged", .int(exifTagged.count)),
        ])))
        pairs.append(("issues", .array(issues.map(issueJSON))))
        if !unlisted.isEmpty {
            pairs.append(("issues_not_listed", .object(unlisted.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.rawValue, .int($0.value)) })))
        }
        pairs.append(("exif_tagged", .array(exifTagged.map { .string($0) })))
        pairs.append(("notes", .array(notes.map { .string($0) })))
        pairs.append(contentsOf: extra)
        if let f = failure { pairs.append(("error", .string(f))) }
        pairs.append(("seconds", .double((seconds * 1000).rounded() / 1000)))
        return .object(pairs)
    }

    /// Writes the JSON report (pretty enough for people: one document, UTF-8).
    public func write(to url: URL) throws {
        try OutputGuard.shared.check(url)
        var bytes = PyJSON(ensureASCII: false).encode(json())
        bytes.append(0x0A)
        do { try Data(bytes).write(to: url, options: .atomic) } catch {
            throw PrepError.io(path: url.path, reason: "cannot write the report")
        }
    }
}
