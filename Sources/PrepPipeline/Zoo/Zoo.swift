import Foundation

/// The dataset zoo: every `dataset-zoo/<name>/dataset.yml`, embedded in the binary at build time
/// (so an installed `prep` needs nothing beside it). `PREP_ZOO_DIR` points at a folder to read
/// instead, for trying a recipe without rebuilding.
public struct Zoo: Sendable {
    public let recipes: [String: Recipe]
    /// Other files of each dataset folder (e.g. `sample_anno.md`), by dataset.
    public let extras: [String: [String: String]]

    public init(files: [String: String]) throws {
        var recipes: [String: Recipe] = [:]
        var extras: [String: [String: String]] = [:]
        for (path, text) in files {
            let parts = path.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if parts[1] == "dataset.yml" {
                let recipe = try Self.parse(text, dataset: parts[0])
                recipes[recipe.name] = recipe
            } else {
                extras[parts[0], default: [:]][parts[1]] = text
            }
        }
        self.recipes = recipes
        self.extras = extras
    }

    /// The zoo this binary carries (or `PREP_ZOO_DIR`'s), parsed once per process.
    public static func load() throws -> Zoo { try cached.get() }

    private static let cached: Result<Zoo, Error> = Result { try Zoo(files: sourceFiles()) }

    /// One dataset's recipe, parsing its own file only (nil when the zoo has no such dataset): a
    /// dataset command needs no other, and parsing all of them took ~8% of converting 2,000
    /// ICDAR images.
    public static func recipe(named name: String) throws -> Recipe? {
        lock.lock(); defer { lock.unlock() }
        if let done = parsedAlone[name] { return done }
        guard !name.contains("/"), let text = try sourceFiles()["\(name)/dataset.yml"] else { return nil }
        let recipe = try parse(text, dataset: name)
        parsedAlone[name] = recipe
        return recipe
    }

    /// `recipe(named:)`'s results (a command's configuration asks for its recipe several times).
    nonisolated(unsafe) private static var parsedAlone: [String: Recipe] = [:]
    private static let lock = NSLock()

    private static func sourceFiles() throws -> [String: String] {
        if let dir = ProcessInfo.processInfo.environment["PREP_ZOO_DIR"], !dir.isEmpty {
            return try readFolder(URL(fileURLWithPath: dir))
        }
        return EmbeddedZoo.files
    }

    private static func parse(_ text: String, dataset: String) throws -> Recipe {
        let source = "dataset-zoo/\(dataset)/dataset.yml"
        let recipe = try Recipe.parse(yaml: text, source: source)
        guard recipe.name == dataset else {
            throw RecipeError(source: source, reason: "name '\(recipe.name)' differs from its folder '\(dataset)'")
        }
        return recipe
    }

    public var names: [String] { recipes.keys.sorted() }

    public func recipe(_ name: String) -> Recipe? { recipes[name] }

    static func readFolder(_ root: URL) throws -> [String: String] {
        var files: [String: String] = [:]
        let fm = FileManager.default
        for dataset in (try? fm.contentsOfDirectory(atPath: root.path)) ?? [] where !dataset.hasPrefix(".") {
            let dir = root.appendingPathComponent(dataset)
            for f in (try? fm.contentsOfDirectory(atPath: dir.path)) ?? [] where !f.hasPrefix(".") {
                if let text = try? String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8) {
                    files["\(dataset)/\(f)"] = text
                }
            }
        }
        return files
    }
}
