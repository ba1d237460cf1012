import Foundation

extension OutputStaging {
    /// What `mergeTree` did.
    public struct MergeResult: Sendable {
        /// Files and folders moved into place (a folder that did not exist moves whole).
        public var moved = 0
        /// Staged files identical to the file already in place (left as they were).
        public var identical = 0
        /// Files replaced under `force`.
        public var replaced = 0
    }

    /// Moves a whole staged folder tree (what was written under `stagingDirectory`, not through
    /// `url(for:)`) into `directory`: folders that do not exist yet are renamed in one step,
    /// existing ones are merged. A file already in place is never replaced unless `force`
    /// (an identical one is simply kept); conflicts are found before anything moves, so a
    /// refused merge leaves `directory` untouched. The staging folder is removed afterwards.
    public func mergeTree(force: Bool) throws -> MergeResult {
        var conflicts: [String] = []
        var conflictCount = 0
        try walk("", check: true, force: force) { rel in
            conflictCount += 1
            if conflicts.count < 5 { conflicts.append(rel) }
        }
        if conflictCount > 0 {
            discard()
            throw PrepError.failed("""
                \(conflictCount) file(s) already in \(directory.path) differ from the archive's: \(conflicts.joined(separator: ", "))\(conflictCount > conflicts.count ? ", …" : ""). \
                Nothing was laid out; move them away or add --force to replace them.
                """)
        }
        var result = MergeResult()
        try walk("", check: false, force: force, result: &result)
        discard()
        return result
    }

    private func walk(_ rel: String, check: Bool, force: Bool, conflict: (String) -> Void) throws {
        var ignored = MergeResult()
        try walk(rel, check: check, force: force, result: &ignored, conflict: conflict)
    }

    private func walk(_ rel: String, check: Bool, force: Bool, result: inout MergeResult, conflict: (String) -> Void = { _ in }) throws {
        let fm = FileManager.default
        let source = rel.isEmpty ? stagingDirectory : stagingDirectory.appendingPathComponent(rel)
        for name in try fm.contentsOfDirectory(atPath: source.path).sorted() {
            let childRel = rel.isEmpty ? name : rel + "/" + name
            let staged = source.appendingPathComponent(name)
            let final = directory.appendingPathComponent(childRel)
            let stagedIsDir = Self.isRealDirectory(staged.path)
            var st = stat()
            let exists = lstat(final.path, &st) == 0
            if !exists {
                if !check {
                    guard rename(staged.path, final.path) == 0 else {
                        throw PrepError.io(path: final.path, reason: "cannot move into place (\(String(cString: strerror(errno))))")
                    }
                    result.moved += 1
                }
                continue
            }
            let finalIsDir = Self.isRealDirectory(final.path)
            if stagedIsDir && finalIsDir {
                try walk(childRel, check: check, force: force, result: &result, conflict: conflict)
            } else if !stagedIsDir && !finalIsDir && Self.sameContent(staged, final) {
                if !check { result.identical += 1 }
            } else if check {
                if !force { conflict(childRel) }
            } else {
                try fm.removeItem(at: final)
                guard rename(staged.path, final.path) == 0 else {
                    throw PrepError.io(path: final.path, reason: "cannot move into place (\(String(cString: strerror(errno))))")
                }
                result.replaced += 1
            }
        }
    }

    static func isRealDirectory(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Same kind, size and bytes (symbolic links: same target), compared in pieces.
    static func sameContent(_ a: URL, _ b: URL) -> Bool {
        var sa = stat(), sb = stat()
        guard lstat(a.path, &sa) == 0, lstat(b.path, &sb) == 0, sa.st_mode & S_IFMT == sb.st_mode & S_IFMT else { return false }
        if sa.st_mode & S_IFMT == S_IFLNK {
            return (try? FileManager.default.destinationOfSymbolicLink(atPath: a.path)) == (try? FileManager.default.destinationOfSymbolicLink(atPath: b.path))
        }
        guard sa.st_size == sb.st_size, let ha = FileHandle(forReadingAtPath: a.path), let hb = FileHandle(forReadingAtPath: b.path) else { return false }
        defer { try? ha.close(); try? hb.close() }
        while true {
            let da = (try? ha.read(upToCount: 1 << 20)) ?? Data()
            let db = (try? hb.read(upToCount: 1 << 20)) ?? Data()
            if da != db { return false }
            if da.isEmpty { return true }
        }
    }
}
