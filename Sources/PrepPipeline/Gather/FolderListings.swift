import Foundation
import PrepCore

/// The entries of folders under a root, each folder listed once (one `getdents` pass) and kept
/// as an indexed `NameTable`: whether `a/b/c.txt` exists is then a hash lookup on its bytes
/// instead of a `stat` per file, which is most of the system calls of pairing thousands of images
/// with their annotation files.
///
/// A listed name is taken to exist as the file it names; one that is a dangling link or not a
/// regular file fails later, when it is opened, with its own message.
struct FolderListings {
    let root: URL
    private var folders: [String: NameTable?] = [:]
    /// The folder asked for last, its names, and whether it is plain (as `split` gives it: not
    /// empty, no leading, trailing or doubled `/`): pairs ask for one folder over and over, and
    /// a string comparison is cheaper than hashing the folder's name for the dictionary.
    private var last: (folder: String, names: NameTable?, plain: Bool)?

    init(root: URL) { self.root = root }

    /// The names in the folder `relativeFolder` ("" for the root), nil when it cannot be listed.
    mutating func names(in relativeFolder: String) -> NameTable? {
        if let last, last.folder == relativeFolder { return last.names }
        let names: NameTable?
        if let known = folders[relativeFolder] {
            names = known
        } else {
            let url = relativeFolder.isEmpty ? root : root.appendingPathComponent(relativeFolder, isDirectory: true)
            names = (try? FolderNames.list(url.path))?.indexed()
            folders[relativeFolder] = names
        }
        last = (relativeFolder, names, Self.isPlainFolder(relativeFolder))
        return names
    }

    /// Whether `relativePath` (under the root) is in its folder's listing.
    mutating func contains(_ relativePath: String) -> Bool {
        // The common case without making the folder's String: the path is the folder asked for
        // last (a plain one: no leading, trailing or doubled `/`), a `/` and a name without `/`.
        if let last, last.plain, let names = last.names {
            var path = relativePath, folder = last.folder
            let answer: Bool? = path.withUTF8 { p in
                folder.withUTF8 { f in
                    guard let name = Self.name(of: p, inFolder: f), !name.isEmpty else { return nil }
                    return !Self.isDotOrDotDot(name) && names.firstIndex(of: name) != nil
                }
            }
            if let answer { return answer }
        }
        let (folder, name) = Self.split(relativePath)
        guard !name.isEmpty, name != ".", name != ".." else { return false }
        return names(in: folder)?.contains(name) ?? false
    }

    /// What follows `folder` and a `/` in `path` when that is all of `path` (the rest holds no
    /// `/`; it may be empty), else nil: `folder + "/" + name == path` exactly when this gives
    /// `name`. A view of `path`'s bytes, nothing allocated.
    static func name(of path: UnsafeBufferPointer<UInt8>, inFolder folder: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        guard path.count > folder.count, path[folder.count] == 0x2F,
              folder.isEmpty || memcmp(path.baseAddress!, folder.baseAddress!, folder.count) == 0 else { return nil }
        let rest = UnsafeBufferPointer(rebasing: path[(folder.count + 1)...])
        return rest.contains(0x2F) ? nil : rest
    }

    private static func isDotOrDotDot(_ n: UnsafeBufferPointer<UInt8>) -> Bool {
        (n.count == 1 && n[0] == 0x2E) || (n.count == 2 && n[0] == 0x2E && n[1] == 0x2E)
    }

    /// A folder `split` gives as it is: not empty, no leading, trailing or doubled `/`.
    private static func isPlainFolder(_ folder: String) -> Bool {
        var f = folder
        return f.withUTF8 { u in
            guard let first = u.first, let last = u.last, first != 0x2F, last != 0x2F else { return false }
            for i in 1..<u.count where u[i] == 0x2F && u[i - 1] == 0x2F { return false }
            return true
        }
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
