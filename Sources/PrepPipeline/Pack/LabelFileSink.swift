import Foundation
import PrepCore
import PrepFormats

/// Writes crops as image files and one label line per crop (MMOCR 0.x recognition labels,
/// §1.3): `txt` = `<path> <text>`, `jsonl` = `{"filename": …, "text": …}`; or, for `--to`, the
/// label file of another format through its `AnnotationWriter` (`mmocr1`: textrecog JSON,
/// `paddle`: `<path><TAB><text>`). Crops diverted by the
/// vertical rule go to their own folder with their own label file, so every label line names a
/// file that exists. Everything is staged and appears only when the run commits.
/// `begin`/`add`/`end` run on one thread; `storeConcurrently` on workers between them.
public final class LabelFileSink: RecogSink, @unchecked Sendable {
    /// Label syntax.
    public enum Format: String, Sendable, CaseIterable {
        case jsonl, txt
        /// MMOCR 1.x `textrecog_<split>.json`.
        case mmocr1
        /// PaddleOCR recognition labels.
        case paddle
        /// docTR RecognitionDataset `labels.json`, Hugging Face imagefolder `metadata.jsonl`,
        /// EasyOCR `labels.csv`, tesstrain `<crop>.gt.txt` beside each crop (the "label file"
        /// is then the crop folder).
        case doctr, hf, easyocr, tesstrain

        /// The label file's extension (empty: a folder).
        public var fileExtension: String {
            switch self {
            case .jsonl, .hf: return "jsonl"
            case .txt, .paddle: return "txt"
            case .mmocr1, .doctr: return "json"
            case .easyocr: return "csv"
            case .tesstrain: return ""
            }
        }

        /// `name` with the extension.
        func file(_ name: String) -> String { fileExtension.isEmpty ? name : name + "." + fileExtension }
    }

    /// Where things go, as templates over `{split}` (folders and files relative to the output
    /// folder) and `{crop}` (the crop's name, in label lines).
    public struct Layout: Sendable {
        public var cropDir: String
        public var ignoreDir: String
        /// Label file per split, without extension (e.g. `train_label` for DeText's training).
        public var labelFile: @Sendable (String) -> String
        public var ignoreLabelFile: @Sendable (String) -> String
        /// The path written in a label line for a kept / diverted crop.
        public var labelPath: String
        public var ignoreLabelPath: String
        /// Crop folders of splits that do not follow `cropDir` (`{crop_dir}` in label paths names the split's folder).
        public var cropDirs: [String: String] = [:]
        /// A printf pattern (`img_%04d`): crops are renamed by one running number per split, in
        /// input order, instead of keeping their `<prefix>_<n>` names.
        public var numberedName: String? = nil
        /// txt lines end with ` <lexicon size> <lexicon>` and jsonl objects carry `lexicon` (SVT).
        public var lexicon = false
        /// A split's name inside the raw data, for `{set}` in the templates (OpenVINO's
        /// `image_{set}` for split `train_1`).
        public var sets: [String: String] = [:]

        /// A template expanded for `split`: `{set}`, `{split1x}` (MMOCR 1.x's split name), then `expandTemplate`'s keys.
        func expand(_ template: String, split: String) -> String {
            expandTemplate(template.replacingOccurrences(of: "{set}", with: sets[split] ?? split)
                .replacingOccurrences(of: "{split1x}", with: MMOCR1Config.splitName(split)), split: split)
        }

        public init(cropDir: String, ignoreDir: String, labelFile: @escaping @Sendable (String) -> String,
                    ignoreLabelFile: @escaping @Sendable (String) -> String, labelPath: String, ignoreLabelPath: String) {
            self.cropDir = cropDir
            self.ignoreDir = ignoreDir
            self.labelFile = labelFile
            self.ignoreLabelFile = ignoreLabelFile
            self.labelPath = labelPath
            self.ignoreLabelPath = ignoreLabelPath
        }
    }

    public let staging: OutputStaging
    public let layout: Layout
    public let format: Format
    /// Whether a split gets an `ignores` folder and label file (where the vertical rule diverts crops).
    public let writesIgnores: @Sendable (String) -> Bool
    private let json: PyJSON
    private var split = ""
    private var labels: BufferedFileWriter?
    private var ignoreLabels: BufferedFileWriter?
    // The label files of the other formats (`mmocr1`, `paddle`).
    private var records: AnnotationWriter?
    private var ignoreRecords: AnnotationWriter?
    private var outputs: [String] = []
    private var cropRoot: FileFolder?
    private var ignoreRoot: FileFolder?
    private var madeDirs = Set<String>()
    private let dirLock = NSLock()
    private var cropDir = ""
    private var pathParts: [String] = []
    private var ignorePathParts: [String] = []
    private var numbered = 0
    // Diverted crops of the current split, and the ignores outputs staged for it: a split
    // without diverted crops gets no ignores file (MMOCR 1.x cannot load an empty data_list).
    private var divertedCount = 0
    /// txt labels of the current split whose text holds a space (see `LabelFileWriter.spacedTextLoss`).
    public private(set) var spacedTexts = 0
    // Crops labelled in the current split, and its main outputs: the self-contained formats
    // (docTR, imagefolder, EasyOCR, tesstrain) write nothing for a split without crops.
    private var labelled = 0
    /// The label file the last split would have written, when it had no crops and was left out.
    public private(set) var droppedEmptyLabel: String?
    private var ignoreOutputs: [String] = []
    /// `--shard`: notes each label record's file (`ShardLedger`).
    public var ledger: ShardLedger?
    private var labelNames: (main: String, ignores: String?) = ("", nil)
    /// How `prep merge` reads this sink's label files.
    private var ledgerKind: ShardOutputKind { format == .mmocr1 ? .jsonList : .lines }

    public init(staging: OutputStaging, layout: Layout, format: Format, ensureASCII: Bool,
                writesIgnores: @escaping @Sendable (String) -> Bool) {
        self.staging = staging
        self.layout = layout
        self.format = format
        self.writesIgnores = writesIgnores
        json = PyJSON(ensureASCII: ensureASCII)
    }

    public func begin(split: String) throws {
        self.split = split
        outputs = []
        madeDirs = []
        let labelName = format.file(layout.labelFile(split))
        labels = try openLabels(try staging.url(for: labelName), records: &records)
        try ledger?.keepRecordLengths(records, output: labelName, kind: ledgerKind)
        // tesstrain's "label file" is the crop folder itself, listed once.
        if labelName != layout.expand(layout.cropDir, split: split) { outputs.append(labelName) }
        labelNames.main = labelName
        cropDir = layout.cropDirs[split] ?? layout.expand(layout.cropDir, split: split)
        // Label paths are the split's template around the crop name, expanded once per split.
        func parts(_ template: String) -> [String] {
            layout.expand(template, split: split).replacingOccurrences(of: "{crop_dir}", with: cropDir)
                .components(separatedBy: "{crop}")
        }
        pathParts = parts(layout.labelPath)
        ignorePathParts = parts(layout.ignoreLabelPath)
        numbered = 0
        divertedCount = 0
        spacedTexts = 0
        labelled = 0
        droppedEmptyLabel = nil
        ignoreOutputs = []
        cropRoot = try FileFolder(stageDirectory(cropDir))
        if writesIgnores(split) {
            let ignoreDir = layout.expand(layout.ignoreDir, split: split)
            ignoreRoot = try FileFolder(stageDirectory(ignoreDir))
            let ignoreName = format.file(layout.ignoreLabelFile(split))
            ignoreLabels = try openLabels(try staging.url(for: ignoreName), records: &ignoreRecords)
            try ledger?.keepRecordLengths(ignoreRecords, output: ignoreName, kind: ledgerKind)
            outputs.append(ignoreName)
            ignoreOutputs = [ignoreDir + "/", ignoreName]
            labelNames.ignores = ignoreName
        } else {
            labelNames.ignores = nil
            ignoreRoot = nil
            ignoreLabels = nil
        }
    }

    /// Opens a label file: a line writer for txt/jsonl (nil for the other formats, whose
    /// writer goes to `records`).
    private func openLabels(_ url: URL, records: inout AnnotationWriter?) throws -> BufferedFileWriter? {
        switch format {
        case .jsonl, .txt:
            records = nil
            return try BufferedFileWriter(url: url)
        case .mmocr1:
            records = try MMOCR1Writer(url: url, task: .textrecog)
        case .paddle:
            records = try PaddleRecWriter(url: url)
        case .doctr:
            records = try DocTRWriter(url: url, mode: .recognition)
        case .hf:
            records = try HFImageFolderWriter(url: url, kind: .recognition)
        case .easyocr:
            records = try EasyOCRLabelsWriter(url: url)
        case .tesstrain:
            records = try TesstrainWriter(directory: url)
        }
        return nil
    }

    /// A folder that replaces its final counterpart as a whole on commit (so crops of an
    /// earlier run do not linger beside the new ones).
    private func stageDirectory(_ rel: String) throws -> URL {
        let url = try staging.url(for: rel)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        outputs.append(rel + "/")
        return url
    }

    /// Writes the crop's file: in the crop folder, or the ignores folder when diverted.
    private func writeCrop(_ crop: RecogCrop) throws {
        guard let cropRoot else { preconditionFailure("crop before begin") }
        let root = crop.diverted ? (ignoreRoot ?? cropRoot) : cropRoot
        if crop.name.contains("/") {
            let dir = root.url.appendingPathComponent(crop.name).deletingLastPathComponent().path
            dirLock.lock(); defer { dirLock.unlock() }
            if !madeDirs.contains(dir) {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                madeDirs.insert(dir)
            }
        }
        try root.write(crop.name, crop.bytes)
    }

    /// Crop files do not depend on order: workers write them in parallel.
    public func storeConcurrently(_ crop: RecogCrop) throws -> Bool {
        // Running numbers are known only in input order.
        if layout.numberedName != nil { return false }
        try writeCrop(crop)
        return true
    }

    public func add(_ crop: RecogCrop) throws {
        var crop = crop
        if let pattern = layout.numberedName {
            numbered += 1
            crop.name = String(format: pattern, numbered) + "." + (crop.name as NSString).pathExtension
        }
        if !crop.stored { try writeCrop(crop) }
        let diverted = crop.diverted && (ignoreLabels != nil || ignoreRecords != nil)
        if diverted { divertedCount += 1 } else { labelled += 1 }
        let path = (diverted ? ignorePathParts : pathParts).joined(separator: crop.name)
        ledger?.record(diverted ? labelNames.ignores ?? labelNames.main : labelNames.main, kind: ledgerKind)
        if let records = diverted ? ignoreRecords : records {
            try records.add(.recognition(path, text: crop.text, location: RecordLocation(file: crop.name)))
            return
        }
        guard let writer = diverted ? ignoreLabels : labels else { preconditionFailure("add before begin") }
        try writer.append { buf in
            switch format {
            case .txt:
                if crop.text.contains(" ") { spacedTexts += 1 }
                buf.append(contentsOf: path.utf8); buf.append(0x20); buf.append(contentsOf: crop.text.utf8)
                if layout.lexicon {
                    // svt_converter.py: `len(lexicon.split(','))`, so an empty lexicon counts 1.
                    let lexicon = crop.lexicon ?? ""
                    buf.append(contentsOf: " \(lexicon.split(separator: ",", omittingEmptySubsequences: false).count) \(lexicon)".utf8)
                }
            case .jsonl:
                var fields: [(String, JSONValue)] = [("filename", .string(path)), ("text", .string(crop.text))]
                if layout.lexicon { fields.append(("lexicon", .string(crop.lexicon ?? ""))) }
                json.write(.object(fields), to: &buf)
            case .mmocr1, .paddle, .doctr, .hf, .easyocr, .tesstrain:
                preconditionFailure("written by an AnnotationWriter")
            }
            buf.append(0x0A)
        }
    }

    public func end() throws -> [String] {
        ledger?.declare(labelNames.main, kind: ledgerKind)
        // Left out when empty, here as in the unsharded run: other shards may have it.
        if let i = labelNames.ignores { ledger?.declare(i, kind: ledgerKind, optional: true) }
        try labels?.close()
        try ignoreLabels?.close()
        try records?.finish()
        try ignoreRecords?.finish()
        labels = nil
        ignoreLabels = nil
        records = nil
        ignoreRecords = nil
        cropRoot = nil
        ignoreRoot = nil
        if labelled == 0 && [.doctr, .hf, .easyocr, .tesstrain].contains(format) {
            for name in outputs { try? FileManager.default.removeItem(at: staging.stagingDirectory.appendingPathComponent(name)) }
            droppedEmptyLabel = outputs.first { !$0.hasSuffix("/") } ?? outputs.first
            for name in outputs { ledger?.forget(name) }
            outputs = []
            return outputs
        }
        if divertedCount == 0 && !ignoreOutputs.isEmpty {
            for name in ignoreOutputs { try? FileManager.default.removeItem(at: staging.stagingDirectory.appendingPathComponent(name)) }
            outputs.removeAll { ignoreOutputs.contains($0) }
            for name in ignoreOutputs { ledger?.forget(name) }
        }
        return outputs
    }
}
