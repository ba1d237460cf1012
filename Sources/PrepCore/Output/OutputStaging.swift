import Foundation

/// Writes outputs into a hidden temporary folder beside their final place and renames them into
/// place only when the whole run succeeded, so a failed or interrupted run leaves earlier outputs
/// intact and never a half-written file (DESIGN.md §3).
public final class OutputStaging: @unchecked Sendable {
    /// The folder the outputs end up in.
    public let directory: URL
    /// The hidden temporary folder (same file system, so renames are atomic).
    public let stagingDirectory: URL
    private var staged: [(temp: URL, final: URL)] = []
    private var finished = false
    private let lock = NSLock()

    public init(directory: URL) throws {
        self.directory = directory
        try OutputGuard.shared.check(directory, mayContainInputs: true)
        Self.removeStale(in: directory)
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw PrepError.io(path: directory.path, reason: "cannot create the output folder")
        }
        guard fm.isWritableFile(atPath: directory.path) else {
            throw PrepError.io(path: directory.path, reason: "the output folder is not writable")
        }
        stagingDirectory = directory.appendingPathComponent(".prep-tmp-\(getpid())-\(UUID().uuidString.prefix(8))")
        do {
            try fm.createDirectory(at: stagingDirectory, withIntermediateDirectories: true)
        } catch {
            throw PrepError.io(path: directory.path, reason: "cannot write in the output folder")
        }
        StagingRegistry.shared.add(stagingDirectory)
    }

    deinit { if !finished { discard() } }

    /// Removes staging folders (`.prep-tmp-PID-…`) in `directory` left by processes that are no
    /// longer running (a crash or `kill -9` leaves them; an interrupt removes its own), and
    /// records each in `StagingRegistry.shared.staleRemoved` so the run's report says so.
    static func removeStale(in directory: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(".prep-tmp-") {
            let fields = name.dropFirst(".prep-tmp-".count).split(separator: "-", maxSplits: 1)
            guard let pid = fields.first.flatMap({ Int32($0) }), pid > 0, pid != getpid() else { continue }
            // Alive (or not ours to signal): leave it.
            if kill(pid, 0) == 0 || errno != ESRCH { continue }
            let url = directory.appendingPathComponent(name)
            if (try? FileManager.default.removeItem(at: url)) != nil {
                StagingRegistry.shared.noteStale("removed \(url.path), a staging folder left by process \(pid), which is no longer running")
            }
        }
    }

    /// A path to write `relativePath` to now; it replaces `directory/relativePath` on `commit()`.
    public func url(for relativePath: String) throws -> URL {
        let temp = stagingDirectory.appendingPathComponent(relativePath)
        try OutputGuard.shared.check(directory.appendingPathComponent(relativePath))
        try FileManager.default.createDirectory(at: temp.deletingLastPathComponent(), withIntermediateDirectories: true)
        lock.lock(); defer { lock.unlock() }
        staged.append((temp, directory.appendingPathComponent(relativePath)))
        return temp
    }

    /// The final paths of what has been staged so far.
    public var finalURLs: [URL] { lock.lock(); defer { lock.unlock() }; return staged.map(\.final) }

    /// Renames every staged output into place (replacing older ones) and removes the staging folder.
    public func commit() throws {
        lock.lock(); defer { lock.unlock() }
        let fm = FileManager.default
        // lstat, not fileExists: a staged relative symlink (an image-folder link) dangles until
        // it is in its final place.
        // A path staged inside a staged folder (EasyOCR's labels.csv among its crops) moves with that folder.
        let finals = Set(staged.map(\.final.standardizedFileURL.path))
        func insideStaged(_ url: URL) -> Bool {
            var parent = url.standardizedFileURL.deletingLastPathComponent()
            while parent.path.count > directory.standardizedFileURL.path.count {
                if finals.contains(parent.path) { return true }
                parent = parent.deletingLastPathComponent()
            }
            return false
        }
        for (temp, final) in staged where (try? fm.attributesOfItem(atPath: temp.path)) != nil && !insideStaged(final) {
            try fm.createDirectory(at: final.deletingLastPathComponent(), withIntermediateDirectories: true)
            if rename(temp.path, final.path) != 0 {
                // A directory output (an LMDB) cannot replace a non-empty directory by rename.
                if fm.fileExists(atPath: final.path) {
                    try OutputGuard.checkReplaceable(final, by: temp)
                    try? fm.removeItem(at: final)
                    if rename(temp.path, final.path) == 0 { continue }
                }
                throw PrepError.io(path: final.path, reason: "cannot move the finished output into place")
            }
        }
        finished = true
        try? fm.removeItem(at: stagingDirectory)
        StagingRegistry.shared.remove(stagingDirectory)
    }

    /// Removes everything staged; the final places are untouched.
    public func discard() {
        finished = true
        try? FileManager.default.removeItem(at: stagingDirectory)
        StagingRegistry.shared.remove(stagingDirectory)
    }
}

/// The staging folders of the running process, removed if the process is interrupted.
public final class StagingRegistry: @unchecked Sendable {
    public static let shared = StagingRegistry()
    private var paths = Set<String>()
    private let lock = NSLock()

    private var stale: [String] = []

    func add(_ url: URL) { lock.lock(); paths.insert(url.path); lock.unlock() }
    func noteStale(_ message: String) { lock.lock(); stale.append(message); lock.unlock() }

    /// What `removeStale` removed so far (taken once, for a report's notes).
    public func takeStaleRemoved() -> [String] { lock.lock(); defer { stale.removeAll(); lock.unlock() }; return stale }
    func remove(_ url: URL) { lock.lock(); paths.remove(url.path); lock.unlock() }

    /// Deletes every staging folder still present (called from a signal handler's queue).
    public func removeAll() {
        lock.lock(); let all = paths; paths.removeAll(); lock.unlock()
        for p in all { try? FileManager.default.removeItem(atPath: p) }
    }
}
