import Foundation

/// Unpacks an archive into a staging folder, refusing what could escape it or flood the disk:
/// absolute member paths, `..` components, symbolic links whose target leaves the folder,
/// writes through a symbolic link, and an expansion beyond `Limits` (counted on the bytes
/// really written, since headers can lie). The archive itself is only read.
public struct ArchiveExtractor {
    /// Caps against decompression bombs.
    public struct Limits: Sendable {
        /// Bytes written ÷ archive size above which extraction stops…
        public var maxRatio: Double
        /// …once more than this many bytes were written (small text archives compress well).
        public var ratioFloor: Int64
        /// Bytes written above which extraction stops, whatever the ratio.
        public var maxBytes: Int64

        public init(maxRatio: Double = 100, ratioFloor: Int64 = 64 << 20, maxBytes: Int64 = 1 << 40) {
            self.maxRatio = maxRatio
            self.ratioFloor = ratioFloor
            self.maxBytes = maxBytes
        }
    }

    /// What an extraction did.
    public struct Result: Sendable {
        public var files = 0
        public var bytes: Int64 = 0
        /// Members no rule placed (the first few, and how many).
        public var unused: [String] = []
        public var unusedCount = 0
        public init() {}
    }

    public let archive: ArchiveReading
    public let limits: Limits

    public init(archive: ArchiveReading, limits: Limits = Limits()) {
        self.archive = archive
        self.limits = limits
    }

    /// Writes every member `place` gives a destination (a relative path under `stage`; nil
    /// leaves the member out) into `stage`. Throws `PrepError.input` naming the archive and
    /// member on anything unsafe; what was written so far stays in `stage` for the caller to
    /// discard.
    public func extract(into stage: URL, onBytes: ((Int) -> Void)? = nil, place: (_ memberPath: String) -> String?) throws -> Result {
        let archiveSize = max(1, (try? FileManager.default.attributesOfItem(atPath: archive.url.path)[.size] as? Int64) ?? 1)
        var result = Result()
        var placed: [String: String] = [:]   // member path → destination, for hard links
        let fm = FileManager.default
        // The stage starts empty, so the only links in it are the ones made here, and a folder
        // made once exists: both are remembered instead of asking the file system per member
        // (FileManager calls per member cost more than the member's bytes on small files).
        let stagePath = stage.path
        var links = Set<String>()
        var made = Set<String>()
        func makeParent(of rel: String) throws {
            let parent = (rel as NSString).deletingLastPathComponent
            guard !parent.isEmpty, !made.contains(parent) else { return }
            try fm.createDirectory(at: stage.appendingPathComponent(parent), withIntermediateDirectories: true)
            var p = parent
            while !p.isEmpty && made.insert(p).inserted { p = (p as NSString).deletingLastPathComponent }
        }
        try archive.forEachEntry { entry, stream in
            let member = try Self.safeRelativePath(entry.path, archive: archive.url, what: "member")
            if member.isEmpty { return }   // "./" or "/" alone: the top folder itself
            guard let destination = place(member) else {
                if entry.kind != .directory {
                    result.unusedCount += 1
                    if result.unused.count < 5 { result.unused.append(member) }
                }
                return
            }
            let rel = try Self.safeRelativePath(destination, archive: archive.url, what: "destination of \(member)")
            // A plain path: URL.appendingPathComponent asks the file system whether it is a folder.
            let out = stagePath + "/" + rel
            if let link = Self.linkedParent(of: rel, links: links) {
                throw PrepError.input(file: "\(archive.url.path): \(member)", line: nil,
                                      reason: "would be written through the symbolic link '\(link)': refused (nothing was laid out)")
            }
            func refuse(_ reason: String) -> PrepError {
                .input(file: "\(archive.url.path): \(entry.path)", line: nil, reason: reason)
            }
            switch entry.kind {
            case .directory:
                try makeParent(of: rel + "/.")
            case .other:
                result.unusedCount += 1
                if result.unused.count < 5 { result.unused.append(member + " (not a regular file)") }
            case .symlink(let target):
                // Resolved lexically from the link's folder: it must stay under the stage root.
                guard !target.hasPrefix("/"), !target.isEmpty,
                      Self.resolvesInside(target, from: (rel as NSString).deletingLastPathComponent) else {
                    throw refuse("a symbolic link to '\(target)', outside the dataset folder: refused (nothing was laid out)")
                }
                try makeParent(of: rel)
                unlink(out)
                guard symlink(target, out) == 0 else { throw PrepError.io(path: out, reason: "cannot create the symbolic link") }
                links.insert(rel)
                result.files += 1
            case .hardlink(let target):
                let source = try Self.safeRelativePath(target, archive: archive.url, what: "hard link target of \(member)")
                guard let earlier = placed[source] else {
                    throw refuse("a hard link to '\(target)', which is not a member laid out before it: refused")
                }
                try makeParent(of: rel)
                unlink(out)
                try fm.copyItem(atPath: stagePath + "/" + earlier, toPath: out)
                result.files += 1
            case .file:
                guard entry.declaredSize <= limits.maxBytes else {
                    throw refuse("declares \(entry.declaredSize) bytes, more than the \(limits.maxBytes)-byte cap: refused as a possible decompression bomb (--max-size raises the cap)")
                }
                try makeParent(of: rel)
                // A member named twice replaces the first (unzip's behaviour); a link made
                // earlier under that name is removed, never written through.
                if links.remove(rel) != nil { unlink(out) }
                let fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o644)
                guard fd >= 0 else { throw PrepError.io(path: out, reason: "cannot create (\(String(cString: strerror(errno))))") }
                defer { close(fd) }
                try stream { piece in
                    result.bytes += Int64(piece.count)
                    if result.bytes > limits.maxBytes {
                        throw refuse("the archive expands to more than \(limits.maxBytes) bytes: refused as a possible decompression bomb (--max-size raises the cap)")
                    }
                    if result.bytes > limits.ratioFloor && Double(result.bytes) > Double(archiveSize) * limits.maxRatio {
                        throw refuse("the archive expands more than \(Int(limits.maxRatio))× its size (\(result.bytes) bytes written from a \(archiveSize)-byte archive): refused as a possible decompression bomb (--max-expansion raises the cap)")
                    }
                    var offset = 0
                    while offset < piece.count {
                        let n = write(fd, piece.baseAddress! + offset, piece.count - offset)
                        if n < 0 {
                            if errno == EINTR { continue }
                            throw PrepError.io(path: out, reason: "write error (\(String(cString: strerror(errno))))")
                        }
                        offset += n
                    }
                    onBytes?(piece.count)
                }
                placed[member] = rel
                result.files += 1
            }
        }
        return result
    }

    /// A member path as clean relative components joined by `/`; absolute paths (`/x`, `\x`,
    /// `C:`) and `..` components are refused (zip-slip). `.` and empty components are dropped.
    public static func safeRelativePath(_ path: String, archive: URL, what: String) throws -> String {
        func refuse(_ why: String) -> PrepError {
            .input(file: "\(archive.path): \(path)", line: nil, reason: "\(what) \(why): refused (nothing was laid out)")
        }
        if path.hasPrefix("/") || path.hasPrefix("\\") { throw refuse("is an absolute path") }
        let scalars = Array(path.unicodeScalars)
        if scalars.count >= 2, scalars[1] == ":", scalars[0].properties.isAlphabetic { throw refuse("is an absolute (drive) path") }
        var parts: [Substring] = []
        for part in path.split(whereSeparator: { $0 == "/" || $0 == "\\" }) {
            if part == ".." { throw refuse("has a '..' component") }
            if part == "." || part.isEmpty { continue }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }

    /// Whether `target`, read relative to folder `base` (both relative to the root), stays
    /// under the root.
    static func resolvesInside(_ target: String, from base: String) -> Bool {
        var depth = base.split(separator: "/").filter { $0 != "." }.count
        for part in target.split(separator: "/") {
            if part == ".." { depth -= 1; if depth < 0 { return false } }
            else if part != "." { depth += 1 }
        }
        return true
    }

    /// The first parent folder of `rel` that is a symbolic link made earlier, if any (a member
    /// written through it could land anywhere the link points).
    static func linkedParent(of rel: String, links: Set<String>) -> String? {
        guard !links.isEmpty else { return nil }
        var prefix = ""
        for part in rel.split(separator: "/").dropLast() {
            prefix += prefix.isEmpty ? String(part) : "/" + part
            if links.contains(prefix) { return String(part) }
        }
        return nil
    }
}
