import Foundation

extension Recipe {
    /// The raw folders a run reads under `root` (the first fixed folder of the image and
    /// annotation layouts, e.g. `imgs` and `annotations`), registered with `OutputGuard` so no
    /// output lands in them. Recipes that extract archives into the output (KAIST) fill such a
    /// folder themselves and register none.
    public func inputFolders(root: URL) -> [URL] {
        guard archive == nil else { return [] }
        return [layout.images, layout.annotation].compactMap { template -> URL? in
            let fixed = template.prefix { $0 != "{" }
            guard let slash = fixed.firstIndex(of: "/") else { return nil }
            let first = String(fixed[..<slash])
            return first.isEmpty || first == "." ? nil : root.appendingPathComponent(first)
        }
    }
}
