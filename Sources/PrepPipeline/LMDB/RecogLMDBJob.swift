import Foundation
import PrepCore

/// What `prep lmdb` is asked to do: the options of MMOCR 0.6.3's `lmdb_converter.py` plus the
/// separator, `--force` and the run options.
public struct RecogLMDBJob: Sendable {
    /// txt: `NAME TEXT` lines; jsonl: `{"filename": …, "text": …}` lines.
    public enum LabelFormat: String, Sendable, CaseIterable { case txt, jsonl }

    public var labelFile: URL
    public var output: URL
    public var imageRoot: URL?
    public var format: LabelFormat
    /// Where a txt line splits into file name and text (its first occurrence).
    public var separator: String
    public var labelOnly: Bool
    public var batchSize: Int
    public var force: Bool
    public var workers: Int
    public var strict: Bool
    public var quiet: Bool
    /// `--shard I/N`: only the lines whose image is this shard's (`Shard`), with a ledger for `prep merge`.
    public var shard: Shard? = nil

    public init(labelFile: URL, output: URL, imageRoot: URL?, format: LabelFormat, separator: String = " ",
                labelOnly: Bool, batchSize: Int = 1000, force: Bool = false, workers: Int = 1,
                strict: Bool = false, quiet: Bool = true) {
        self.labelFile = labelFile
        self.output = output
        self.imageRoot = imageRoot
        self.format = format
        self.separator = separator
        self.labelOnly = labelOnly
        self.batchSize = batchSize
        self.force = force
        self.workers = workers
        self.strict = strict
        self.quiet = quiet
    }
}
