import Foundation
import PrepCore

/// The entries of folders under a root, each folder listed once (one `getdents` pass) and kept:
/// whether `a/b/c.txt` exists is then a set lookup instead of a `stat` per file, which is most
/// of the system calls of pairing thousands of images with their annotation files.
///
/// A listed name is taken to exist as the file it names; one that is a dangling link or not a
/// regular file fails later, when it is opened, with its own message.
struct FolderListings {
    let root: URL
    private var folders: [String: Set<String>?] = [:]
    /// The folder asked for last, its names, and whether it is plain (as `split` gives it: not
    /// empty, no leading, trailing or doubled `/`): pairs ask for one folder over and over, and
    /// a string comparison is cheaper than hashing the folder's name for the dictionary.
    private var last: (folder: String, names: Set<String>?, plain: Bool)?

    init(root: URL) { self.root = root }

    /// The names in the folder `relativeFolder` ("" for the root), nil when it cannot be listed.
    mutating func names(in relativeFolder: String) -> Set<String>? {
        if let last, last.folder == relativeFolder { return last.names }
        let names: Set<String>?
        if let known = folders[relativeFolder] {
            names = known
        } else {
            let url = relativeFolder.isEmpty ? root : root.appendingPathComponent(relativeFolder, isDirectory: true)
            names = (try? FolderNames.list(url.path)).map(Set.init)
            folders[relativeFolder] = names
        }
        last = (relativeFolder, names, Self.isPlainFolder(relativeFolder))
        return names
    }

    /// Whether `relativePath` (under the root) is in its folder's listing.
    mutating func contains(_ relativePath: String) -> Bool {
        // The common case without making the folder's String: the path is the folder asked for
        // last (a plain one: no leading, trailing or doubled `/`), a `/` and a name without `/`.
        if let last, last.plain, let names = last.names, let name = Self.name(of: relativePath, inFolder: last.folder), !name.isEmpty {
            return name != "." && name != ".." && names.contains(name)
        }
        let (folder, name) = Self.split(relativePath)
        guard !name.isEmpty, name != ".", name != ".." else { return false }
        return names(in: folder)?.contains(name) ?? false
    }

    /// What follows `folder` and a `/` in `path` when that is all of `path` (the rest holds no
    /// `/`; it may be empty), else nil; `folder + "/" + name == path` exactly when this gives
    /// `name`. Nothing is allocated but the name.
    static func name(of path: String, inFolder folder: String) -> String? {
        var path = path, folder = folder
        return path.withUTF8 { p in
            folder.withUTF8 { f -> String? in
                guard p.count > f.count, p[f.count] == 0x2F,
                      f.isEmpty || memcmp(p.baseAddress!, f.baseAddress!, f.count) == 0 else { return nil }
                let rest = UnsafeBufferPointer(rebasing: p[(f.count + 1)...])
                return rest.contains(0x2F) ? nil : String(decoding: rest, as: UTF8.self)
            }
        }
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
