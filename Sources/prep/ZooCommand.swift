import Foundation
import ArgumentParser
import PrepPipeline

/// `prep zoo [NAME]`: lists the datasets prep knows, or shows one.
struct ZooCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zoo",
        abstract: "List the datasets prep can prepare, or show one's layout, citation and license.",
        discussion: """
        Examples:
          prep zoo
          prep zoo icdar2015
          prep zoo icdar2015 --root /data/icdar2015     (per file: laid out, verified, partial, missing)
        """)

    @Argument(help: "A dataset name.")
    var name: String?

    @Option(name: .long, help: ArgumentHelp("Show whether each of the dataset's files is present, partial or verified under this root (prep obtain's ROOT).", valueName: "ROOT"))
    var root: String?

    func run() throws {
        let zoo = try Zoo.load()
        guard let name else {
            // Columns as wide as their longest entry.
            let rows = zoo.names.map { n -> [String] in
                let r = zoo.recipe(n)!
                return [n, r.tasks.joined(separator: ","), r.recogSources, r.converter, r.title]
            }
            let header = ["dataset", "tasks", "recog from", "converter", "title"]
            let widths = (0..<4).map { c in ([header] + rows).map { $0[c].count }.max()! + 2 }
            for row in [header] + rows {
                print((0..<4).map { row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined() + row[4])
            }
            print("\n\(zoo.names.count) datasets. prep zoo NAME shows one; prep NAME ROOT prepares it.")
            return
        }
        guard let r = zoo.recipe(name) else {
            throw ValidationError("unknown dataset '\(name)' (known: \(zoo.names.joined(separator: ", ")))")
        }
        var out = ["\(r.name): \(r.title)"]
        if let h = r.homepage { out.append("homepage: \(h)") }
        if let p = r.paper { out.append("paper:    \(p)") }
        if let l = r.license { out.append("license:  \(l)") }
        out.append("tasks:    \(r.tasks.joined(separator: ", "))")
        if r.tasks.contains("recog") { out.append("recog:    \(r.recogSources)\(r.recog?.labelSource != nil && r.cutsRecogFromDet ? " (the shipped crops by default; --task recog --from-det cuts them from the det ground truth)" : "")") }
        out.append("splits:   \(r.splits.joined(separator: ", ")) (default: \((r.defaultSplits ?? r.splits).joined(separator: " ")))")
        out.append("reads:    \(r.converter) converter")
        out.append("writes:   \(r.outputs.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; "))")
        if let tree = r.tree { out.append("\nexpected layout:\n" + tree.trimmingCharacters(in: .newlines)) }
        if let files = r.files, !files.isEmpty {
            let states = root.map { ObtainStatus.describe(r, root: URL(fileURLWithPath: $0).standardizedFileURL) } ?? []
            out.append(root.map { "\nfiles to obtain (under \($0)):" } ?? "\nfiles to obtain:")
            for f in files {
                var line = "  \(f.name)"
                if let s = f.split { line += " [\(s)]" }
                if let m = f.md5 { line += " md5 \(m)" }
                if let h = f.sha256 { line += " sha256 \(h)" }
                if let size = f.size { line += " \(size) bytes" }
                if let state = states.first(where: { $0.name == f.name })?.state { line += "\n    status: \(state)" }
                if let u = f.url { line += "\n    \(u)" }
                if let c = f.content { line += "\n    \(c)" }
                if let rules = f.extract { line += "\n    unpacks: " + rules.map { "\($0.from)\($0.match.map { "/\($0)" } ?? "") → \($0.to)" }.joined(separator: ", ") }
                if let to = f.to { line += "\n    goes to: \(to)" }
                if let why = f.noChecksum { line += "\n    no checksum: \(why)" }
                if let m = f.manual { line += "\n    by hand: \(m)" }
                if let g = f.gone { line += "\n    host gone: \(g)" }
                out.append(line)
            }
        } else if root != nil {
            out.append("\nfiles to obtain: none listed")
        }
        if let n = r.notes { out.append("\nnotes:\n" + n.trimmingCharacters(in: .newlines)) }
        if let c = r.citation { out.append("\ncitation:\n" + c.trimmingCharacters(in: .newlines)) }
        out.append("\nprepare it: prep \(r.name) ROOT --split-list \((r.defaultSplits ?? r.splits).joined(separator: " "))")
        if r.files?.isEmpty == false { out.append("obtain it:  prep obtain \(r.name) ROOT   (or prep \(r.name) ROOT --obtain)") }
        print(out.joined(separator: "\n"))
    }
}
