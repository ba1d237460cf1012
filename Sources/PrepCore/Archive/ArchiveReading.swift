import Foundation

/// One member of an archive as its header describes it (before anything is written).
public struct ArchiveEntry: Sendable {
    public enum Kind: Sendable, Equatable {
        case file, directory
        /// A symbolic link and the target it names (as stored, not resolved).
        case symlink(target: String)
        /// A tar hard link to an earlier member.
        case hardlink(target: String)
        /// Devices, FIFOs, sockets: never extracted.
        case other
    }
    /// The member's path as stored (invalid UTF-8 shown with replacement characters).
    public var path: String
    public var kind: Kind
    /// The uncompressed size the header claims (headers can lie: extraction counts real bytes).
    public var declaredSize: Int64
}

/// An archive read member by member, each member's bytes streamed in pieces (a 10 GB tar is
/// never held in memory). Zip goes through libzip (`ZipArchive`), tar, tar.gz, tar.bz2 and
/// tar.xz through libarchive (`TarArchive`).
public protocol ArchiveReading: AnyObject {
    var url: URL { get }
    /// Calls `body` for every member in archive order; inside `body`, `stream(sink)` feeds the
    /// member's bytes to `sink` in pieces (call it at most once; members not streamed are skipped).
    func forEachEntry(_ body: (ArchiveEntry, _ stream: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws -> Void) throws
}

/// Opens an archive by its content (zip magic `PK\3\4` / `PK\5\6`, else libarchive's tar
/// detection), not its name: downloads are sometimes saved under another extension.
public func openArchive(_ url: URL) throws -> ArchiveReading {
    let head = (try? FileHandle(forReadingFrom: url)).map { h -> [UInt8] in
        defer { try? h.close() }
        return [UInt8]((try? h.read(upToCount: 4)) ?? Data())
    } ?? []
    if head.count >= 4, head[0] == 0x50, head[1] == 0x4B, (head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6) {
        return try ZipArchive(url: url)
    }
    return try TarArchive(url: url)
}

/// Whether a file name is one `openArchive` is meant for (what the recipe's file is, by name).
public func looksLikeArchive(_ name: String) -> Bool {
    let n = name.lowercased()
    return [".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz"].contains { n.hasSuffix($0) }
}
