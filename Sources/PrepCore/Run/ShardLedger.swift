import Foundation

/// How `prep merge` reads and renumbers one output of a shard.
public enum ShardOutputKind: String, Codable, Sendable {
    /// MMOCR 0.x COCO-style JSON: `images` (id from 0, key `id`) and `annotations` (`image_id`, `id`).
    case coco0
    /// Standard COCO JSON: the same arrays, ids from 1.
    case coco
    /// A JSON object with one list of records (MMOCR 1.x `data_list`), no ids.
    case jsonList
    /// One record per line (label files, PaddleOCR, line-JSON), no ids.
    case lines
    /// A recognition LMDB: `image-N`/`label-N` numbered from 1, `num-samples`.
    case lmdb
    /// A line LMDB (SynthText det, txt2lmdb layout): keys `0` … `n-1`, `total_number`.
    case lineLMDB
}

/// What a shard run leaves for `prep merge` in `<out>/.prep-shard/manifest.json`.
public struct ShardManifest: Codable, Sendable {
    public struct Output: Codable, Sendable {
        /// Path relative to the output folder.
        public var name: String
        public var kind: ShardOutputKind
        /// Records written (one position each, in `positions/<file>`).
        public var records: Int
        /// The positions file under `.prep-shard/positions/`.
        public var file: String
        /// Left out by the run when it holds no record (ignores files: an empty one does not load
        /// in MMOCR 1.x), so a shard without such records has no such output; nil = required.
        public var optional: Bool?
        /// The record-lengths file under `.prep-shard/positions/` (`ShardRecordLengths`), when the
        /// run's writer kept one: the merge then cuts records without scanning. nil = none.
        public var lengths: String?
        /// The output's size in bytes at the end of the run, recorded with `lengths` (the merge
        /// checks it before trusting them).
        public var bytes: Int?
    }
    public var version: String
    public var command: String
    public var dataset: String?
    public var shard: Shard
    /// The options that shape the outputs (`--nproc` and the like left out): shards made with
    /// different ones are not merged.
    public var options: [String: String]
    /// Items per enumeration (split) in the unsharded run: every shard must agree.
    public var totals: [String: Int]
    public var outputs: [Output]
    /// Everything the shard run wrote (paths relative to its folder, ledger aside): what the merge
    /// takes, so stray files in a shard folder never reach OUT.
    public var written: [String]

    public static let folder = ".prep-shard"

    public static func read(_ directory: URL) throws -> ShardManifest {
        let url = directory.appendingPathComponent(folder).appendingPathComponent("manifest.json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw PrepError.usage("\(directory.path) is not a shard output (no \(folder)/manifest.json; run the command with --shard I/N -o \(directory.lastPathComponent))")
        }
        do { return try JSONDecoder().decode(ShardManifest.self, from: data) } catch {
            throw PrepError.input(file: url.path, line: nil, reason: "not a shard manifest: \(error)")
        }
    }
}

/// Records, during a shard run, which position of the unsharded enumeration every written record
/// comes from, per output file, plus the shard, options and version (`ShardManifest`). It lives in
/// the staged `.prep-shard/` folder, so it appears with the outputs or not at all.
///
/// The runner sets `position` before handing an item's results to the writers; each writer
/// site calls `record(_:kind:)` once per record it writes. Positions stream to one file per
/// output, so memory stays flat.
public final class ShardLedger: @unchecked Sendable {
    public let shard: Shard
    /// The position of the item being written (set by the ordered consumer).
    public var position = 0
    private let directory: URL
    private var outputs: [String: (kind: ShardOutputKind, file: String, records: Int, writer: BufferedFileWriter)] = [:]
    private var optionalOutputs = Set<String>()
    private var lengthFiles: [String: ShardRecordLengths] = [:]
    private var order: [String] = []
    private var totals: [String: Int] = [:]
    private var nextFile = 0
    /// The first error writing a positions file (thrown by `finish`: a ledger must be whole).
    private var failure: Error?
    private let lock = NSLock()

    private let staging: OutputStaging

    public init(shard: Shard, staging: OutputStaging) throws {
        self.shard = shard
        self.staging = staging
        directory = try staging.url(for: ShardManifest.folder)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("positions"), withIntermediateDirectories: true)
    }

    /// Notes the size of one unsharded enumeration (a split's items).
    public func enumerated(_ name: String, total: Int) {
        lock.lock(); totals[name] = total; lock.unlock()
    }

    /// Selects this shard's items of one enumeration and notes its size.
    public func select<T>(_ name: String, _ items: [T], key: (T) -> String) -> (items: [T], positions: [Int]) {
        enumerated(name, total: items.count)
        return shard.select(items, key: key)
    }

    /// One record of `output` (path relative to the output folder) comes from `position`.
    public func record(_ output: String, kind: ShardOutputKind) {
        lock.lock(); defer { lock.unlock() }
        guard open(output, kind) else { return }
        outputs[output]!.records += 1
        do { try outputs[output]!.writer.write(Array("\(position)\n".utf8)) } catch { failure = failure ?? error }
    }

    /// Declares an output that may stay empty (so the merge knows it and its kind); `optional`:
    /// the run leaves it out when empty (then `forget` it), so other shards may lack it.
    public func declare(_ output: String, kind: ShardOutputKind, optional: Bool = false) {
        lock.lock(); defer { lock.unlock() }
        _ = open(output, kind)
        if optional { optionalOutputs.insert(output) }
    }

    /// Opens `output`'s positions file on first use (lock held).
    private func open(_ output: String, _ kind: ShardOutputKind) -> Bool {
        if outputs[output] != nil { return true }
        nextFile += 1
        let file = "\(nextFile).pos"
        let w: BufferedFileWriter
        do { w = try BufferedFileWriter(url: directory.appendingPathComponent("positions/" + file)) } catch {
            failure = failure ?? error
            return false
        }
        outputs[output] = (kind, file, 0, w)
        order.append(output)
        return true
    }

    /// Has `writer` note its records' lengths for `output` when it can and the output is JSON
    /// (COCO or a `data_list`; `RecordLengthsKeeping`): the merge then cuts its records by length
    /// instead of scanning.
    public func keepRecordLengths(_ writer: AnyObject?, output: String, kind: ShardOutputKind) throws {
        guard kind == .coco0 || kind == .coco || kind == .jsonList, let keeper = writer as? RecordLengthsKeeping else { return }
        keeper.recordLengths = try lengths(for: output, kind: kind)
    }

    /// Opens the record-lengths file of `output` (`<n>.len` beside its `<n>.pos`), for its
    /// writer to fill (`ShardRecordLengths`: one entry per record, in the order `record` is
    /// called). Only shard runs have a ledger, so unsharded runs write no such file.
    public func lengths(for output: String, kind: ShardOutputKind) throws -> ShardRecordLengths {
        lock.lock(); defer { lock.unlock() }
        if let failure { throw failure }
        if let existing = lengthFiles[output] { return existing }
        guard open(output, kind), let o = outputs[output] else { throw failure ?? PrepError.failed("cannot open the shard ledger of \(output)") }
        let file = String(o.file.dropLast(".pos".count)) + ".len"
        let lengths = try ShardRecordLengths(url: directory.appendingPathComponent("positions/" + file))
        lengthFiles[output] = lengths
        return lengths
    }

    /// An output that was not written after all (removed by the runner).
    public func forget(_ output: String) {
        lock.lock(); defer { lock.unlock() }
        guard let o = outputs.removeValue(forKey: output) else { return }
        try? o.writer.close()
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("positions/" + o.file))
        if let lengths = lengthFiles.removeValue(forKey: output) {
            try? lengths.close()
            try? FileManager.default.removeItem(at: lengths.url)
        }
        order.removeAll { $0 == output }
    }

    /// The staged outputs, relative to the output folder, each once (a folder covers what is in it).
    private func writtenPaths() -> [String] {
        let root = staging.directory.standardizedFileURL.path + "/"
        var seen = Set<String>()
        let all = staging.finalURLs.map { String($0.standardizedFileURL.path.dropFirst(root.count)) }
            .filter { $0 != ShardManifest.folder && seen.insert($0).inserted }
            // A staged output the run removed again (an empty ignores file) was not written.
            // (lstat: an image link's relative target resolves only from the final folder)
            .filter { (try? FileManager.default.attributesOfItem(atPath: staging.stagingDirectory.appendingPathComponent($0).path)) != nil }
        return all.filter { p in !all.contains { p.hasPrefix($0 + "/") } }.sorted()
    }

    /// Writes the manifest and the shard's report; call before the staging commits.
    public func finish(report: RunReport) throws {
        lock.lock(); defer { lock.unlock() }
        if let failure { throw failure }
        var list: [ShardManifest.Output] = []
        for name in order {
            let o = outputs[name]!
            try o.writer.close()
            var entry = ShardManifest.Output(name: name, kind: o.kind, records: o.records, file: o.file,
                                             optional: optionalOutputs.contains(name) ? true : nil)
            if let lengths = lengthFiles[name] {
                try lengths.close()
                let staged = staging.stagingDirectory.appendingPathComponent(name).path
                guard let size = (try? FileManager.default.attributesOfItem(atPath: staged))?[.size] as? Int else {
                    throw PrepError.io(path: staged, reason: "cannot read the size of a shard output")
                }
                entry.lengths = lengths.url.lastPathComponent
                entry.bytes = size
            }
            list.append(entry)
        }
        var options = report.options
        for transient in ["nproc", "shard", "output"] { options.removeValue(forKey: transient) }
        let manifest = ShardManifest(version: PrepVersion.current, command: report.command, dataset: report.dataset,
                                     shard: shard, options: options, totals: totals, outputs: list,
                                     written: writtenPaths())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(manifest).write(to: directory.appendingPathComponent("manifest.json"))
            try report.write(to: directory.appendingPathComponent("report.json"))
        } catch let e as PrepError { throw e } catch {
            throw PrepError.io(path: directory.path, reason: "cannot write the shard manifest")
        }
        report.options["shard"] = shard.description
        report.notes.append("shard \(shard) of the images; merge the shard folders with: prep merge OUT SHARD_DIR…")
    }
}
