import Foundation
import PrepCore

/// One file of a recipe as `prep obtain` handles it: where to fetch it from (after a mirror),
/// how to check it, where it goes.
public struct ObtainItem: Sendable {
    public var file: Recipe.RemoteFile
    /// The http(s) URL to fetch, or nil (a step by hand, or a host that is not http).
    public var url: URL?

    public var name: String { file.name }

    /// The published checksum: sha256 preferred over md5.
    public var checksum: (algorithm: Digest.Algorithm, hex: String)? {
        if let s = file.sha256 { return (.sha256, s.lowercased()) }
        if let m = file.md5 { return (.md5, m.lowercased()) }
        return nil
    }

    /// Whether the file is unpacked (else copied to `to`).
    public var isArchive: Bool { !isByHandOnly && (file.extract != nil || (file.to == nil && looksLikeArchive(file.name))) }

    /// A step prep cannot do at all (a repository folder, a request form, parts to join): the
    /// recipe gives instructions but no URL and no layout rule, so `prep obtain` only shows them.
    public var isByHandOnly: Bool { file.manual != nil && file.url == nil && file.extract == nil && file.to == nil }

    /// The layout paths this file fills (what must exist for it to count as laid out).
    public var destinations: [String] {
        if let rules = file.extract { return rules.map(\.to) }
        if let to = file.to { return [to] }
        return isArchive ? ["."] : [file.name]
    }

    /// Where a member goes: the first rule whose `from` holds it (and whose `match` its file
    /// name matches); nil leaves it out.
    public func destination(of member: String) -> String? {
        let rules = file.extract ?? [.init(from: ".", to: ".", match: nil)]
        let fileName = member.split(separator: "/").last.map(String.init) ?? member
        for rule in rules {
            let from = rule.from.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            let rest: String
            if from == "." || from.isEmpty {
                rest = member
            } else if member == from {
                rest = ""
            } else if member.hasPrefix(from + "/") {
                rest = String(member.dropFirst(from.count + 1))
            } else {
                continue
            }
            if let pattern = rule.match, fnmatch(pattern, fileName, 0) != 0 { continue }
            let to = rule.to.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            if to == "." || to.isEmpty { return rest }
            return rest.isEmpty ? to : to + "/" + rest
        }
        return nil
    }
}

/// Which files of a recipe a run needs and where they come from.
public enum ObtainPlan {
    /// The recipe's files for these splits and tasks (files without a split serve every split;
    /// files without tasks serve every task; no tasks given: the tasks a dataset run does by default). `mirror` replaces each URL's scheme, host and
    /// port, keeping its path (`http://127.0.0.1:8000` → `http://127.0.0.1:8000/downloads/x.zip`).
    public static func items(_ recipe: Recipe, splits: [String]?, tasks: [String]?, mirror: String?) throws -> [ObtainItem] {
        if let unknown = splits?.first(where: { !recipe.splits.contains($0) }) {
            throw PrepError.usage("\(recipe.name) has no split '\(unknown)' (its splits: \(recipe.splits.joined(separator: ", ")))")
        }
        let wanted = Set(splits ?? recipe.defaultSplits ?? recipe.splits)
        let tasks = tasks ?? recipe.tasksByDefault
        let files = (recipe.files ?? []).filter { f in
            (f.split.map { wanted.contains($0) } ?? true) && (f.tasks.map { !Set($0).isDisjoint(with: tasks) } ?? true)
        }
        return try files.map { f in
            let item = ObtainItem(file: f, url: nil)
            // The name becomes a path in ROOT/.archives and --from folders: a bare file name only.
            if !item.isByHandOnly && (f.name.contains("/") || f.name.contains("\\") || f.name == ".." || f.name == "." || f.name.isEmpty) {
                throw RecipeError(source: "dataset-zoo/\(recipe.name)/dataset.yml", reason: "file name '\(f.name)' must be a bare file name")
            }
            var url: URL?
            if let s = f.url, let u = URL(string: s), u.scheme == "http" || u.scheme == "https" {
                url = try mirror.map { try mirrored(u, base: $0) } ?? u
            }
            return ObtainItem(file: f, url: url)
        }
    }

    static func mirrored(_ url: URL, base: String) throws -> URL {
        guard var m = URLComponents(string: base), let scheme = m.scheme, scheme == "http" || scheme == "https", m.host != nil else {
            throw PrepError.usage("--mirror \(base): expected an http(s) URL such as http://127.0.0.1:8000")
        }
        let original = URLComponents(url: url, resolvingAgainstBaseURL: false)
        let prefix = m.percentEncodedPath.hasSuffix("/") ? String(m.percentEncodedPath.dropLast()) : m.percentEncodedPath
        m.percentEncodedPath = prefix + (original?.percentEncodedPath ?? url.path)
        m.percentEncodedQuery = original?.percentEncodedQuery
        guard let result = m.url else { throw PrepError.usage("--mirror \(base): cannot combine with \(url.absoluteString)") }
        return result
    }
}
