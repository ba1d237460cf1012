import Foundation
import PrepCore
import PrepFormats

/// Puts recognition crops into an LMDB per split (`RecogLMDBWriter`: `image-N` = the encoded
/// crop, `label-N` = its text, numbered from 1 in input order — the TextRecogLMDBDumper /
/// clovaai layout), instead of crop files and a label file. Crops the vertical rule diverts go
/// to their own database under `ignores/`, as `LabelFileSink` gives them their own label file.
/// The databases are staged and appear only when the run commits.
public final class LMDBSink: RecogSink {
    public let staging: OutputStaging
    /// The database folder of a split (relative to the output folder), and of its diverted crops.
    public let database: @Sendable (String) -> String
    public let ignoreDatabase: @Sendable (String) -> String
    public let writesIgnores: @Sendable (String) -> Bool
    private var writer: RecogLMDBWriter?
    private var ignoreWriter: RecogLMDBWriter?
    private var outputs: [String] = []
    // No ignores database for a split without diverted crops (an empty one does not load in MMOCR 1.x).
    private var divertedCount = 0
    /// `--shard`: notes each sample's database (`ShardLedger`).
    public let ledger: ShardLedger?
    /// The current split's databases (the ignores one when the split writes it).
    private var names: (main: String, ignores: String?) = ("", nil)

    public init(ledger: ShardLedger? = nil, staging: OutputStaging, database: @escaping @Sendable (String) -> String,
                ignoreDatabase: @escaping @Sendable (String) -> String, writesIgnores: @escaping @Sendable (String) -> Bool) {
        self.ledger = ledger
        self.staging = staging
        self.database = database
        self.ignoreDatabase = ignoreDatabase
        self.writesIgnores = writesIgnores
    }

    private func open(_ rel: String) throws -> RecogLMDBWriter {
        let url = try staging.url(for: rel)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        outputs.append(rel + "/")
        return try RecogLMDBWriter(directory: url)
    }

    public func begin(split: String) throws {
        outputs = []
        divertedCount = 0
        writer = try open(database(split))
        ignoreWriter = writesIgnores(split) ? try open(ignoreDatabase(split)) : nil
        names = (database(split), writesIgnores(split) ? ignoreDatabase(split) : nil)
        ledger?.declare(names.main, kind: .lmdb)
        // Left out when empty, here as in the unsharded run: other shards may have it.
        if let i = names.ignores { ledger?.declare(i, kind: .lmdb, optional: true) }
    }

    public func add(_ crop: RecogCrop) throws {
        guard let main = writer else { preconditionFailure("add before begin") }
        let w = crop.diverted ? (ignoreWriter ?? main) : main
        if crop.diverted && ignoreWriter != nil { divertedCount += 1 }
        try w.append(image: crop.bytes, label: Array(crop.text.utf8))
        ledger?.record(crop.diverted ? names.ignores ?? names.main : names.main, kind: .lmdb)
    }

    public func end() throws -> [String] {
        try writer?.finish()
        try ignoreWriter?.finish()
        writer = nil
        ignoreWriter = nil
        if let name = names.ignores, divertedCount == 0 {
            try? FileManager.default.removeItem(at: staging.stagingDirectory.appendingPathComponent(name))
            outputs.removeAll { $0 == name + "/" }
            ledger?.forget(name)
        }
        return outputs
    }

    deinit {
        writer?.abandon()
        ignoreWriter?.abandon()
    }
}
