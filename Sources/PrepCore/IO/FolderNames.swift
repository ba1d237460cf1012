import Foundation

/// The names in one folder, read with `opendir`/`readdir` and nothing else: what
/// `FileManager.contentsOfDirectory(atPath:)` returns (every entry with an inode but `.`, `..`
/// and `._`, in `readdir` order, each name decoded as `String(cString:)` does), without its
/// per-entry path building. Gatherers list folders of tens of thousands of images, and every
/// shard of a sharded run lists them all.
public enum FolderNames {
    /// The names in the folder at `path`, as bytes (`NameTable`: no `String` per name). A folder
    /// that cannot be opened throws `FileManager`'s own error for it.
    public static func list(_ path: String) throws -> NameTable {
        guard let dir = opendir(path) else { return NameTable(try FileManager.default.contentsOfDirectory(atPath: path)) }
        defer { closedir(dir) }
        var names = NameTable()
        while let entry = readdir(dir) {
            guard entry.pointee.d_ino != 0 else { continue }
            withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
                let name = UnsafeBufferPointer(start: p, count: strlen(raw.baseAddress!.assumingMemoryBound(to: CChar.self)))
                // `.`, `..` and `._` are skipped, as FileManager skips them.
                let skipped = (name.count == 1 && name[0] == 0x2E) || (name.count == 2 && name[0] == 0x2E && (name[1] == 0x2E || name[1] == 0x5F))
                if !skipped { names.append(name) }
            }
        }
        return names
    }
}
