import Foundation
import PrepCore
import PrepFormats

/// Everything a dataset command asks for, after argument parsing.
public struct DatasetJob: Sendable {
    public var recipe: Recipe
    public var root: URL
    public var outputDirectory: URL
    public var splits: [String]
    public var tasks: [String]
    public var workers: Int
    public var exif: ExifPolicy
    public var strict: Bool
    public var quiet: Bool
    /// Recognition labels: `jsonl` or `txt` label files, or `lmdb` (crops in an LMDB per split).
    public var recogFormat: String = "jsonl"
    /// Output format family (`--to`): the reference's MMOCR 0.x files by default.
    public var target: AnnotationTarget = .mmocr0
    /// What happens to vertical crops (nil: the reference's rule, `ignores`).
    public var vertical: CropSettings.VerticalRule? = nil
    /// `--val-ratio`, `--split-seed` (datasets with a `val_split` recipe section).
    public var valRatio: Double? = nil
    public var splitSeed: UInt64? = nil
    /// `--warp`: recognition crops are perspective warps of each instance's quadrilateral (the
    /// minimum-area rectangle of a curved polygon) instead of the recipe's crop.
    public var cropWarp = false
    /// `--resize` (`--width`, `--height`): every recognition crop resized to this size.
    public var cropResize: (width: Int, height: Int)? = nil
    /// Converter options set on the command line (`--level` for HierText).
    public var converterOptions: [String: String] = [:]
    /// SynthText det: write `instances_<split>.json` (COCO 0.x) instead of the reference's LMDB.
    public var detAsCOCO = false
    /// `--from-det`: recognition crops are cut from the detection ground truth even where the
    /// dataset ships its own word crops (ICDAR 2011/2013/2015, ArT, LV).
    public var recogFromDet = false
    /// `--images`: how MMOCR 1.x / PaddleOCR outputs reach the raw images (link by default).
    public var imagePlacement: ImagePlacement = .link
    /// `--shard I/N`: only this shard's images (`Shard`), with a ledger for `prep merge`.
    public var shard: Shard? = nil

    public init(recipe: Recipe, root: URL, outputDirectory: URL? = nil, splits: [String]? = nil, tasks: [String]? = nil,
                workers: Int = 1, exif: ExifPolicy = .ignore, strict: Bool = false, quiet: Bool = true) {
        self.recipe = recipe
        self.root = root
        self.outputDirectory = outputDirectory ?? root
        self.splits = splits ?? recipe.defaultSplits ?? recipe.splits
        // det by default; recognition-only datasets default to their first task.
        self.tasks = tasks ?? recipe.tasksByDefault
        self.workers = workers
        self.exif = exif
        self.strict = strict
        self.quiet = quiet
    }

    /// Problems with the request itself (unknown split or task), as usage errors.
    public func validate() throws {
        for s in splits where !recipe.splits.contains(s) {
            throw PrepError.usage("\(recipe.name) has no split '\(s)' (it has: \(recipe.splits.joined(separator: ", ")))")
        }
        for t in tasks where !recipe.tasks.contains(t) {
            throw PrepError.usage("\(recipe.name) does not support task '\(t)' (it supports: \(recipe.tasks.joined(separator: ", ")))")
        }
        if Set(splits).count != splits.count { throw PrepError.usage("a split is named twice") }
        if let v = recipe.valSplit {
            if valRatio == nil && splits.contains(v.to) {
                throw PrepError.usage("\(recipe.name) ships no '\(v.to)' split: give --val-ratio R to move a part of '\(v.from)' there")
            }
            if let r = valRatio { _ = try SplitAssigner(ratio: r, pattern: v.pattern, seed: splitSeed) }
        } else if valRatio != nil || splitSeed != nil {
            throw PrepError.usage("\(recipe.name) has its own splits; --val-ratio and --split-seed do not apply")
        }
        if splitSeed != nil && valRatio == nil { throw PrepError.usage("--split-seed needs --val-ratio") }
        if workers < 1 { throw PrepError.usage("--nproc must be at least 1") }
        if imagePlacement != .link && ![.mmocr1, .paddle, .doctr, .hf, .easyocr].contains(target) {
            throw PrepError.usage("--images \(imagePlacement.rawValue) applies to --to mmocr1, paddle, doctr, hf and easyocr (their image paths are relative to the output folder)")
        }
        if recogFromDet && !tasks.contains("recog") { throw PrepError.usage("--from-det is how --task recog gets its crops: add --task recog") }
        if recogFromDet && !recipe.cutsRecogFromDet {
            throw PrepError.usage("\(recipe.name) cannot cut recognition crops from detection ground truth (prep zoo lists which can)")
        }
        if tasks.contains("recog") && !["jsonl", "txt", "lmdb"].contains(recogFormat) {
            throw PrepError.usage("--format must be jsonl, txt or lmdb (got '\(recogFormat)')")
        }
        if target == .lmdb { throw PrepError.usage("--to lmdb: use --task recog --format lmdb (or --to mmocr1 --lmdb)") }
        if tasks.contains("recog") && recogFormat != "lmdb" && (target == .coco || target == .lineJSON) {
            throw PrepError.usage("--to \(target.rawValue) holds detection only; recognition labels need mmocr0, mmocr1 or paddle")
        }
    }
}
