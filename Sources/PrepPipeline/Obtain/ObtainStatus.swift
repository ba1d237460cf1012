import Foundation
import PrepCore

/// Where each file of a recipe stands under a dataset root (`prep zoo NAME --root ROOT`).
public enum ObtainStatus {
    /// One line per recipe file: `laid out`, `verified`, `present`, `MISMATCH`, `partial` or
    /// `missing`. Archives in `.archives/` are hashed, so this reads them once.
    public static func describe(_ recipe: Recipe, root: URL) -> [(name: String, state: String)] {
        let manifest = ObtainManifest.read(root: root)
        let archives = root.appendingPathComponent(".archives")
        let items = (try? ObtainPlan.items(recipe, splits: recipe.splits, tasks: recipe.tasks, mirror: nil)) ?? []
        return items.map { item in
            if item.isByHandOnly { return (item.name, "by hand (prep neither fetches nor checks it)") }
            let file = archives.appendingPathComponent(item.name)
            let part = archives.appendingPathComponent(item.name + ".part")
            if FileManager.default.fileExists(atPath: file.path) {
                guard let (algorithm, expected) = item.checksum else {
                    return (item.name, "present (no published checksum to verify)")
                }
                guard let actual = try? Digest.hexOfFile(file, algorithm) else { return (item.name, "present (unreadable)") }
                return (item.name, actual == expected ? "verified (\(algorithm.rawValue) ok)" : "MISMATCH (\(algorithm.rawValue) \(actual), expected \(expected))")
            }
            if manifest.isLaidOut(item, root: root) {
                return (item.name, "laid out (\(item.checksum.map { "\($0.algorithm.rawValue) verified" } ?? "no checksum") when obtained; archive removed)")
            }
            if FileManager.default.fileExists(atPath: part.path) {
                let have = HTTPDownloader.size(of: part)
                let of = item.file.size.map { " of \(PrepCore.Progress.bytes(Int($0)))" } ?? ""
                return (item.name, "partial (\(PrepCore.Progress.bytes(Int(have)))\(of); prep obtain resumes it)")
            }
            if FileManager.default.fileExists(atPath: archives.appendingPathComponent(item.name + ".md5-mismatch").path)
                || FileManager.default.fileExists(atPath: archives.appendingPathComponent(item.name + ".sha256-mismatch").path) {
                return (item.name, "missing (a copy that failed its checksum was moved aside)")
            }
            return (item.name, "missing")
        }
    }
}
