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
        let u = path.utf8
        if u.first != 0x2F, u.last != 0x2F, !zip(u, u.dropFirst()).contains(where: { $0 == 0x2F && $1 == 0x2F }) {
            guard let slash = u.lastIndex(of: 0x2F) else { return ("", path) }
            return (String(Substring(u[..<slash])), String(Substring(u[u.index(after: slash)...])))
        }
        return ((path as NSString).deletingLastPathComponent, (path as NSString).lastPathComponent)
    }
}
