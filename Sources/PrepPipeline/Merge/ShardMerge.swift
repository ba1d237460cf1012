import Foundation
import PrepCore

/// `prep merge OUT SHARD_DIR…`: joins the output folders of the N shards of one run into the
/// folder the unsharded run would have written, byte for byte. Files with a shard ledger
/// (`ShardManifest.outputs`) are merged record by record in the unsharded order
/// (`ShardOutputMerger`); every other file (crops, image links) belongs to exactly one image and
/// is linked or copied as it is. The ledgers (`.prep-shard/`) are read, not copied. Everything is
/// staged and appears in OUT only when the whole merge succeeded.
public struct ShardMerge {
    public let output: URL
    public let shardDirectories: [URL]

    public init(output: URL, shards: [URL]) {
        self.output = output.standardizedFileURL
        shardDirectories = shards.map(\.standardizedFileURL)
    }

    /// Reads and checks the manifests: one run's shards, each exactly once, all present.
    func manifests() throws -> [ShardManifest] {
        guard !shardDirectories.isEmpty else { throw PrepError.usage("prep merge: name the shard folders (prep merge OUT SHARD_DIR…)") }
        for d in shardDirectories where d == output {
            throw PrepError.usage("prep merge: OUT (\(d.path)) is one of the shard folders; write the merge elsewhere")
        }
        let loaded = try shardDirectories.map { try ShardManifest.read($0) }
        let first = loaded[0]
        let n = first.shard.count
        var seen: [Int: URL] = [:]
        for (m, dir) in zip(loaded, shardDirectories) {
            func differ(_ what: String, _ a: String, _ b: String) -> PrepError {
                .usage("prep merge: \(dir.path) was made with \(what) \(b), \(shardDirectories[0].path) with \(a); shards of one run must agree")
            }
            if m.version != first.version { throw differ("prep version", first.version, m.version) }
            if m.command != first.command || m.dataset != first.dataset {
                throw differ("command", [first.command, first.dataset].compactMap { $0 }.joined(separator: " "), [m.command, m.dataset].compactMap { $0 }.joined(separator: " "))
            }
            if m.shard.count != n { throw differ("shard count", "N=\(n)", "N=\(m.shard.count)") }
            if m.options != first.options {
                let keys = Set(m.options.keys).union(first.options.keys).filter { m.options[$0] != first.options[$0] }.sorted()
                let show = { (o: [String: String]) in keys.map { "\($0)=\(o[$0] ?? "(unset)")" }.joined(separator: ", ") }
                throw differ("options", show(first.options), show(m.options))
            }
            if m.totals != first.totals {
                throw PrepError.usage("prep merge: \(dir.path) saw other inputs than \(shardDirectories[0].path) (items per split \(m.totals.sorted { $0.key < $1.key }) vs \(first.totals.sorted { $0.key < $1.key })); shards must read the same dataset")
            }
            if let other = seen[m.shard.index] {
                throw PrepError.usage("prep merge: shard \(m.shard) is given twice (\(other.path) and \(dir.path))")
            }
            seen[m.shard.index] = dir
        }
        let missing = (0..<n).filter { seen[$0] == nil }
        if !missing.isEmpty {
            throw PrepError.usage("prep merge: missing shard(s) \(missing.map { "\($0)/\(n)" }.joined(separator: ", ")) (got \(seen.count) of \(n) folders)")
        }
        // Every shard has the required outputs; optional ones (left out when empty) may be absent.
        let required = { (m: ShardManifest) in Set(m.outputs.filter { $0.optional != true }.map(\.name)) }
        let names = required(first)
        for (m, dir) in zip(loaded, shardDirectories) where required(m) != names {
            throw PrepError.usage("prep merge: \(dir.path) has other outputs than \(shardDirectories[0].path): \(names.symmetricDifference(required(m)).sorted().joined(separator: ", "))")
        }
        return loaded
    }

    /// Whether the shards are `prep validate --shard` folders (checked as a set first).
    public func isValidation() throws -> Bool { try manifests()[0].command == "validate" }

    /// Merges `prep validate --shard` folders: OUT/validate.json is the unsharded run's report.
    public func runValidation() throws -> ValidationReport {
        let loaded = try manifests()
        let dirs = loaded.indices.sorted { loaded[$0].shard.index < loaded[$1].shard.index }.map { shardDirectories[$0] }
        let result = try ValidationShardMerge(shards: dirs).run()
        let staging = try OutputStaging(directory: output)
        do {
            try result.write(to: try staging.url(for: "validate.json"))
            try staging.commit()
        } catch {
            staging.discard()
            throw error
        }
        return result
    }

    /// Runs the merge; the report gets the shards' summed counts.
    public func run(report: RunReport, quiet: Bool = true) throws {
        let loaded = try manifests()
        // Shards in index order (the order their issues are listed in).
        let order = loaded.indices.sorted { loaded[$0].shard.index < loaded[$1].shard.index }
        let dirs = order.map { shardDirectories[$0] }
        let manifests = order.map { loaded[$0] }
        let first = manifests[0]
        report.dataset = first.dataset
        report.options = first.options
        report.options["shards"] = String(first.shard.count)

        let staging = try OutputStaging(directory: output)
        do {
            // Each output once, in the first shard's order; optional ones from the shards that have them.
            var outputs: [ShardManifest.Output] = []
            for m in manifests { for o in m.outputs where !outputs.contains(where: { $0.name == o.name }) { outputs.append(o) } }
            let merged = Set(outputs.map(\.name))
            var tops = Set<String>()
            for m in manifests { for p in m.written { tops.insert(String(p.split(separator: "/")[0])) } }
            for top in tops.sorted() { _ = try staging.url(for: top) }
            // Files of one image each (crops, image links): linked (or copied) into place.
            for (dir, m) in zip(dirs, manifests) {
                for p in m.written where !merged.contains(p) { try copy(p, from: dir, into: staging.stagingDirectory, skipping: merged) }
            }
            let progress = Progress(label: "merge", total: outputs.count, quiet: quiet)
            for out in outputs {
                let found = try zip(dirs, manifests).compactMap { dir, m -> (URL, URL, ShardLengthsFile?)? in
                    if out.optional == true && !m.outputs.contains(where: { $0.name == out.name }) { return nil }
                    guard let o = m.outputs.first(where: { $0.name == out.name }), o.kind == out.kind else {
                        throw PrepError.usage("prep merge: \(dir.path): \(out.name) is not a \(out.kind.rawValue) output there")
                    }
                    let positions = dir.appendingPathComponent(ShardManifest.folder + "/positions/")
                    // (A lengths file that is gone counts as none: the records are scanned.)
                    let lengths = o.lengths.flatMap { f in o.bytes.map { ShardLengthsFile(url: positions.appendingPathComponent(f), bytes: $0) } }
                        .flatMap { FileManager.default.fileExists(atPath: $0.url.path) ? $0 : nil }
                    return (dir.appendingPathComponent(o.name), positions.appendingPathComponent(o.file), lengths)
                }
                let destination = staging.stagingDirectory.appendingPathComponent(out.name)
                try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                var merger = ShardOutputMerger(name: out.name, kind: out.kind, inputs: found.map { ($0.0, $0.1) }, destination: destination)
                merger.lmdbBatch = Int(first.options["batch_size"] ?? "") ?? merger.lmdbBatch
                // Records cut by length only when every shard has its lengths (else scanned).
                let lengths = found.compactMap(\.2)
                if lengths.count == found.count { merger.lengths = lengths }
                try merger.run()
                progress.advance()
            }
            progress.finish()
            try ShardReportSum.add(dirs, into: report)
            try staging.commit()
        } catch {
            staging.discard()
            throw error
        }
    }

    /// Links (or copies) `rel` of the shard folder `dir` (a file, a link, or a folder and
    /// everything under it not merged record by record) into `root`, keeping relative links
    /// pointing where they point; a file in two shards is refused.
    private func copy(_ rel: String, from dir: URL, into root: URL, skipping merged: Set<String>) throws {
        let fm = FileManager.default
        let from = dir.appendingPathComponent(rel), to = root.appendingPathComponent(rel)
        guard let type = (try? fm.attributesOfItem(atPath: from.path))?[.type] as? FileAttributeType else {
            throw PrepError.usage("prep merge: \(from.path) is listed in its shard's manifest but absent; was the shard folder changed?")
        }
        try fm.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
        if type == .typeDirectory {
            try fm.createDirectory(at: to, withIntermediateDirectories: true)
            for name in try DirectoryStream(from) where !merged.contains(rel + "/" + name) {
                try copy(rel + "/" + name, from: dir, into: root, skipping: merged)
            }
        } else if type == .typeSymbolicLink {
            // A relative link (an image-folder link) keeps pointing at the same place from OUT.
            var target = try fm.destinationOfSymbolicLink(atPath: from.path)
            if !target.hasPrefix("/") {
                let absolute = from.deletingLastPathComponent().appendingPathComponent(target).standardizedFileURL.path
                target = ImageLinker.relative(absolute, from: output.appendingPathComponent(rel).deletingLastPathComponent().standardizedFileURL.path)
            }
            if let existing = try? fm.destinationOfSymbolicLink(atPath: to.path) {
                if existing == target { return }
                throw PrepError.usage("prep merge: \(rel) differs between shards (\(existing) vs \(target) in \(dir.path))")
            }
            try fm.createSymbolicLink(atPath: to.path, withDestinationPath: target)
        } else {
            if (try? fm.attributesOfItem(atPath: to.path)) != nil {
                throw PrepError.usage("prep merge: \(rel) is in more than one shard (again in \(dir.path)); were the shards made from one run?")
            }
            if link(from.path, to.path) != 0 {
                do { try fm.copyItem(at: from, to: to) } catch {
                    throw PrepError.io(path: to.path, reason: "cannot copy \(from.path)")
                }
            }
        }
    }
}

/// Sums the shards' reports (`.prep-shard/report.json`): counts per row, issues, EXIF-tagged
/// images and notes (each once), outputs.
enum ShardReportSum {
    static func add(_ dirs: [URL], into report: RunReport) throws {
        var notes: [String] = []
        var seenIssues = Set<String>()
        for dir in dirs {
            let url = dir.appendingPathComponent(ShardManifest.folder + "/report.json")
            guard let data = FileManager.default.contents(atPath: url.path),
                  let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw PrepError.input(file: url.path, line: nil, reason: "missing or unreadable shard report")
            }
            for issue in json["issues"] as? [[String: Any]] ?? [] {
                // Problems found while listing the dataset, before the partition, are in every
                // shard's report: once in the merged one.
                let key = ["severity", "split", "file", "line", "reason"].map { "\(issue[$0] ?? "")" }.joined(separator: "\u{1}")
                guard seenIssues.insert(key).inserted else { continue }
                report.add(RunReport.Issue(severity: RunReport.Issue.Severity(rawValue: issue["severity"] as? String ?? "") ?? .warning,
                                           split: issue["split"] as? String, file: issue["file"] as? String ?? "",
                                           line: issue["line"] as? Int, reason: issue["reason"] as? String ?? ""))
            }
            for row in json["splits"] as? [[String: Any]] ?? [] {
                report.update(split: row["split"] as? String ?? "") { c in
                    c.images += row["images"] as? Int ?? 0
                    c.instances += row["instances"] as? Int ?? 0
                    c.ignored += row["ignored"] as? Int ?? 0
                    for o in row["outputs"] as? [String] ?? [] where !c.outputs.contains(o) { c.outputs.append(o) }
                }
            }
            for e in json["exif_tagged"] as? [String] ?? [] { report.exifTagged(e) }
            for n in json["notes"] as? [String] ?? [] where !notes.contains(n) && !n.hasPrefix("shard ") { notes.append(n) }
        }
        report.notes.append(contentsOf: notes)
        report.notes.append("merged \(dirs.count) shard(s)")
    }
}

/// The names in a folder, read as a stream (a crop folder may hold millions).
final class DirectoryStream: Sequence, IteratorProtocol {
    private let handle: OpaquePointer

    init(_ dir: URL) throws {
        guard let d = opendir(dir.path) else { throw PrepError.io(path: dir.path, reason: "cannot list the folder") }
        handle = d
    }

    deinit { closedir(handle) }

    func next() -> String? {
        while let e = readdir(handle) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { return name }
        }
        return nil
    }
}
