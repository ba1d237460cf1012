import Foundation

/// The entries of folders under a root, each folder listed once (one `getdents` pass) and kept:
/// whether `a/b/c.txt` exists is then a set lookup instead of a `stat` per file, which is most
/// of the system calls of pairing thousands of images with their annotation files.
///
/// A listed name is taken to exist as the file it names; one that is a dangling link or not a
/// regular file fails later, when it is opened, with its own message.
struct FolderListings {
    let root: URL
    private var folders: [String: Set<String>?] = [:]

    init(root: URL) { self.root = root }

    /// The names in the folder `relativeFolder` ("" for the root), nil when it cannot be listed.
    mutating func names(in relativeFolder: String) -> Set<String>? {
        if let known = folders[relativeFolder] { return known }
        let url = relativeFolder.isEmpty ? root : root.appendingPathComponent(relativeFolder, isDirectory: true)
        let listed = (try? FileManager.default.contentsOfDirectory(atPath: url.path)).map(Set.init)
        folders[relativeFolder] = listed
        return listed
    }

    /// Whether `relativePath` (under the root) is in its folder's listing.
    mutating func contains(_ relativePath: String) -> Bool {
        let (folder, name) = Self.split(relativePath)
        guard !name.isEmpty, name != ".", name != ".." else { return false }
        return names(in: folder)?.contains(name) ?? false
    }

    /// `(deletingLastPathComponent, lastPathComponent)` of a relative path: cut at the last `/`
    /// for the plain case (this runs for every image), through `NSString` when the path has a
    /// leading, trailing or doubled `/` that it would normalise.
    static func split(_ path: String) -> (folder: String, name: String) {
        var p = path
        let plain: (folder: String, name: String)?? = p.withUTF8 { u in
            // One pass over the bytes: the last `/`, and whether any `/` is leading, trailing or doubled.
            var last = -1, previous: UInt8 = 0
            for i in 0..<u.count {
                if u[i] == 0x2F {
                    if i == 0 || previous == 0x2F { return nil }
                    last = i
                }
                previous = u[i]
            }
            if previous == 0x2F { return nil }
            if last < 0 { return .some(nil) }
            return (String(decoding: UnsafeBufferPointer(rebasing: u[..<last]), as: UTF8.self),
                    String(decoding: UnsafeBufferPointer(rebasing: u[(last + 1)...]), as: UTF8.self))
        }
        if let plain { return plain ?? ("", path) }
        return ((path as NSString).deletingLastPathComponent, (path as NSString).lastPathComponent)
    }
}
