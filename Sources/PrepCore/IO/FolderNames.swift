import Foundation

/// The names in one folder, read with `opendir`/`readdir` and nothing else: what
/// `FileManager.contentsOfDirectory(atPath:)` returns (every entry with an inode but `.`, `..`
/// and `._`, in `readdir` order, each name decoded as `String(cString:)` does), without its
/// per-entry path building. Gatherers list folders of tens of thousands of images, and every
/// shard of a sharded run lists them all.
public enum FolderNames {
    /// The names in the folder at `path`. A folder that cannot be opened throws
    /// `FileManager`'s own error for it.
    public static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { return try FileManager.default.contentsOfDirectory(atPath: path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            guard entry.pointee.d_ino != 0 else { continue }
            let name = withUnsafeBytes(of: &entry.pointee.d_name) { String(cString: $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
            if name == "." || name == ".." || name == "._" { continue }
            names.append(name)
        }
        return names
    }
}
