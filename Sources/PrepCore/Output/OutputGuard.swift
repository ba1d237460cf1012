import Foundation

/// The one rule for where outputs go, for every command: an output may never be, contain, or lie
/// inside an input, compared after resolving symbolic links (an `-o` that is a link into the
/// dataset is the dataset); and `--force` never deletes a folder holding anything prep did not
/// write.
///
/// Two kinds of input: `data` (files read, and folders read whole such as a dataset's `imgs/` and
/// `annotations/`) may not be, contain or hold an output; a `root` that names are resolved
/// against (`-i`, `--images`, a data root) may not be or lie inside an output (replacing it would
/// delete it), but new outputs may be written inside it, as the dataset commands write theirs
/// into the dataset root by default.
///
/// Commands register their inputs (`addInputs`) before they write; `OutputStaging` checks every
/// output it stages and the folder it stages into, and the JSON reports check their file, so no
/// command can write onto what it reads.
public final class OutputGuard: @unchecked Sendable {
    public static let shared = OutputGuard()
    private let lock = NSLock()
    /// How an input is read (see the type's notes).
    public enum Kind: Sendable { case data, root }
    private var inputs: [(shown: String, resolved: String, kind: Kind)] = []

    public init() {}

    /// Registers what the command reads (files or folders; ones that do not exist are ignored).
    public func addInputs(_ urls: [URL], kind: Kind = .data) {
        let resolved = urls.compactMap { url -> (String, String, Kind)? in
            guard let r = Self.realPath(url.path) else { return nil }
            return (url.path, r, kind)
        }
        lock.lock(); inputs += resolved; lock.unlock()
    }

    public func addInputs(_ paths: [String?], kind: Kind = .data) {
        addInputs(paths.compactMap { $0.map { URL(fileURLWithPath: $0) } }, kind: kind)
    }

    /// Throws a usage error when `output` is an input, lies inside an input folder, or (unless
    /// `mayContainInputs`, for the folder outputs are written into) contains an input.
    public func check(_ output: URL, mayContainInputs: Bool = false) throws {
        lock.lock(); let all = inputs; lock.unlock()
        // A folder written into is followed through links; a file or folder put in place is not
        // (renaming over a link replaces the link, not what it points to).
        let out = mayContainInputs ? Self.resolve(output.path) : Self.resolveParent(output.path)
        for input in all {
            let shownOut = output.path == out ? out : "\(output.path) (= \(out))"
            if out == input.resolved && mayContainInputs && input.kind == .root { continue }
            if out == input.resolved && mayContainInputs && Self.isFolder(out) {
                throw PrepError.usage("\(shownOut) is the input folder \(input.shown): outputs would be written into it; prep never writes into its inputs: choose another output")
            }
            if out == input.resolved {
                throw PrepError.usage("\(shownOut) is an input of this command (\(input.shown)); prep never writes onto its inputs: choose another output")
            }
            if input.kind == .data, out.hasPrefix(input.resolved == "/" ? "/" : input.resolved + "/") {
                throw PrepError.usage("\(shownOut) lies inside the input folder \(input.shown); prep never writes into its inputs: choose another output")
            }
            if !mayContainInputs, input.resolved.hasPrefix(out == "/" ? "/" : out + "/") {
                throw PrepError.usage("\(shownOut) contains the input \(input.shown); replacing it would delete that input: choose another output")
            }
        }
    }

    /// Throws unless the existing folder `existing` holds only what prep writes for the output
    /// staged at `replacement`: files with the same path in the new output, files of the kinds
    /// (extensions; any image format counts as one) the new output has (any kind prep writes
    /// into folders when it is empty), and LMDB's `lock.mdb`. A folder of the user's images
    /// never meets that for an LMDB, so `--force` cannot delete it.
    public static func checkReplaceable(_ existing: URL, by replacement: URL) throws {
        let new = files(under: replacement)
        // Image files count as one kind: a crop folder re-made as PNG replaces one made as JPEG.
        func kind(_ f: String) -> String {
            let ext = (f as NSString).pathExtension.lowercased()
            return ["jpg", "jpeg", "png", "gif", "bmp", "webp"].contains(ext) ? "image" : ext
        }
        // An output that came out empty (a re-run whose images all fell out) may replace a folder
        // of the kinds prep writes into folders.
        let kinds = new.isEmpty ? ["image", "mdb", "txt", "jsonl", "json"] : Set(new.map(kind).filter { !$0.isEmpty })
        let newSet = Set(new)
        for f in files(under: existing) {
            let name = (f as NSString).lastPathComponent, k = kind(f)
            if newSet.contains(f) || name == "lock.mdb" || (!k.isEmpty && kinds.contains(k)) { continue }
            throw PrepError.io(path: existing.path, reason: "holds \(f), which prep did not write; it is not replaced, even with --force: move it away or choose another output")
        }
    }

    /// Relative paths of every non-folder entry under `root` (links are not followed).
    static func files(under root: URL) -> [String] {
        var out: [String] = []
        func walk(_ rel: String) {
            let path = rel.isEmpty ? root.path : root.path + "/" + rel
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
            for n in names {
                let r = rel.isEmpty ? n : rel + "/" + n
                var st = stat()
                if lstat(root.path + "/" + r, &st) == 0, st.st_mode & S_IFMT == S_IFDIR { walk(r) } else { out.append(r) }
            }
        }
        walk("")
        return out
    }

    static func isFolder(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
    }

    /// `path` with its folder resolved (`resolve`) and its last component as given.
    static func resolveParent(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let parent = resolve(url.deletingLastPathComponent().path)
        return (parent == "/" ? "" : parent) + "/" + url.lastPathComponent
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// `path` with every link resolved: the longest existing prefix through `realpath`, the
    /// rest (not created yet) appended.
    static func resolve(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var head = absolute
        var tail: [String] = []
        while true {
            if let r = realPath(head) { return ([r == "/" ? "" : r] + tail.reversed()).joined(separator: "/").nonEmpty ?? "/" }
            let url = URL(fileURLWithPath: head)
            tail.append(url.lastPathComponent)
            let parent = url.deletingLastPathComponent().path
            if parent == head { return absolute }
            head = parent
        }
    }
}

private extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
