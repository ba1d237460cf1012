import Foundation
import PrepCore
import PrepConverters
import PrepFormats

/// Recognition for datasets that ship their word crops with a label file (ICDAR 2011/2013,
/// IIIT5K, SVTP, CUTE80): the label file is read line by line and rewritten as MMOCR 0.x labels
/// (`<image dir>/<name> <text>` or `{"filename", "text"}`); no image is cut or changed. A line
/// that does not parse, or names an image that is not there, is skipped and reported.
struct LabelOnlyTask: TaskPass {
    let source: Recipe.LabelSource
    let recog: Recipe.RecogSettings
    let format: LabelFileSink.Format
    let job: DatasetJob
    let layout: Recipe.Layout
    let valSplit: Recipe.ValSplit?

    init(recipe: Recipe, recog: Recipe.RecogSettings, source: Recipe.LabelSource, job: DatasetJob) throws {
        let format: LabelFileSink.Format
        switch job.target {
        case .mmocr0:
            guard let f = LabelFileSink.Format(rawValue: job.recogFormat), f == .jsonl || f == .txt else {
                throw PrepError.usage("--format \(job.recogFormat) is not available for \(recipe.name)'s shipped crops (jsonl, txt; or --task recog --from-det … --format lmdb)")
            }
            format = f
        case .mmocr1: format = .mmocr1
        case .paddle: format = .paddle
        case .doctr: format = .doctr
        case .hf: format = .hf
        case .easyocr: format = .easyocr
        case .tesstrain: format = .tesstrain
        default:
            throw PrepError.usage("--to \(job.target.rawValue) is not available for \(recipe.name)'s shipped-crop labels (mmocr0, mmocr1, paddle, doctr, hf, easyocr, tesstrain)")
        }
        if job.recogFormat == "lmdb" {
            throw PrepError.usage("\(recipe.name)'s shipped crops are written as label files; for an LMDB run prep lmdb on them, or cut crops with --from-det")
        }
        guard LabelLineParser.Format(rawValue: source.format) != nil || source.format == "task2-json" else {
            throw PrepError.failed("dataset-zoo/\(recipe.name): unknown recog.label_source.format '\(source.format)' (quoted-comma, quoted-comma-escaped, space, mjsynth, lv, task2-json)")
        }
        for split in job.splits where recog.labels[split] == nil {
            throw PrepError.failed("dataset-zoo/\(recipe.name): recog.labels has no label file for split '\(split)'")
        }
        self.source = source
        self.recog = recog
        self.format = format
        self.job = job
        self.layout = recipe.layout
        self.valSplit = recipe.valSplit
    }

    /// `--task recog` on a dataset that ships its crops with a label file, unless `--from-det`
    /// asks for crops cut from the det ground truth (`RecogTask`).
    static func plan(_ job: DatasetJob) throws -> LabelOnlyTask? {
        guard job.tasks.contains("recog"), !job.recogFromDet, let recog = job.recipe.recog, let source = recog.labelSource else { return nil }
        return try LabelOnlyTask(recipe: job.recipe, recog: recog, source: source, job: job)
    }

    /// Every split's label file is there (or comes out of its zip) before any work.
    func prepare(_ input: RunInput) throws {
        for split in job.splits { _ = try self.input(for: split) }
    }

    func run(split: String, _ input: RunInput, _ output: RunOutput) throws {
        try run(split: split, staging: output.staging, report: input.report, ledger: output.ledger)
    }

    func expand(_ template: String, _ split: String) -> String { layout.expand(template, split: split) }

    /// The download's zip of `split` to read, when its crop folder is absent and the zip is there.
    func archive(for split: String) -> URL? {
        guard let name = source.archives?[split] else { return nil }
        let fm = FileManager.default
        let folder = job.root.appendingPathComponent(expand(source.images(for: split), split))
        let zip = job.root.appendingPathComponent(name)
        return !fm.fileExists(atPath: folder.path) && fm.fileExists(atPath: zip.path) ? zip : nil
    }

    /// The label file of `split`, checked before any work (a missing one is a layout error);
    /// one that comes out of the split's zip is checked when the zip is read.
    func input(for split: String) throws -> URL {
        let rel = expand(source.file(for: split), split)
        let url = job.root.appendingPathComponent(rel)
        if archive(for: split) != nil && !FileManager.default.fileExists(atPath: url.path) { return url }
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw PrepError.layout("\(url.path): missing label file for split '\(split)' (expected \(rel) under the dataset root: the shipped word crops\(job.recipe.cutsRecogFromDet ? "; or cut crops from the detection ground truth with --task recog --from-det" : ""))")
        }
        return url
    }

    /// One label entry: where it sits (line number, or key of a JSON label file) and what it says.
    typealias Entry = (line: Int?, key: String?, parsed: Result<(name: String, text: String), LabelLineError>)

    /// The entries of `split`'s label file: lines of a text file, or (`task2-json`, ArT) the keys
    /// of a JSON object `{"gt_1_0": [{"transcription"}, …]}`, the first transcription being the
    /// label, divided by --val-ratio over the file's key order like the dataset's det pages.
    func entries(_ input: URL, split: String, row: String, report: RunReport) throws -> [Entry] {
        if source.format == "task2-json" {
            guard case let .object(pairs) = try JSONFile.load(input) else {
                throw PrepError.input(file: input.path, line: nil, reason: "expected a JSON object of crop names")
            }
            var chosen = pairs
            if let v = valSplit {
                let mask = try job.valRatio.map { try SplitAssigner(ratio: $0, pattern: v.pattern, seed: job.splitSeed).validationMask(count: pairs.count) }
                    ?? [Bool](repeating: false, count: pairs.count)
                chosen = zip(pairs, mask).filter { $0.1 == (split == v.to) }.map(\.0)
            }
            return chosen.map { key, value in
                guard case let .string(text)? = value.array?.first?["transcription"] else {
                    return (nil, key, .failure(LabelLineError(reason: "no transcription in the first entry")))
                }
                return (nil, key, .success((key + ".jpg", text)))
            }
        }
        let parser = LabelLineParser(format: LabelLineParser.Format(rawValue: source.format)!)
        var out: [Entry] = []
        let reader = try LineReader(url: input)
        while let raw = reader.next() {
            let line: String
            do { line = try reader.decode(raw) } catch let PrepError.input(_, _, reason) {
                // Under --shard, an unreadable line is reported by one shard.
                guard job.shard?.contains("line:\(raw.number)") ?? true else { continue }
                report.skip(split: row, file: input.path, line: raw.number, reason: reason)
                continue
            }
            if TextTrim.strip(line).isEmpty { continue }
            out.append((raw.number, nil, parser.parse(line)))
        }
        return out
    }

    /// Extracts the split's zip into the output's crop folder (flat files only; a member whose
    /// name leaves the folder is reported and left out); returns the folder the crops are then
    /// read from (the staged output) and notes what was read.
    func extract(_ zip: URL, into imageDir: String, staging: OutputStaging, row: String, report: RunReport) throws -> URL {
        let archive = try ZipArchive(url: zip)
        let folder = try staging.url(for: imageDir)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var files = 0
        for member in archive.members where !member.isDirectory {
            let name = member.name
            if name.hasPrefix("/") || name.split(separator: "/").contains("..") {
                report.skip(split: row, file: "\(zip.path): \(name)", reason: "member name leaves the crop folder; left out")
                continue
            }
            let dest = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: dest.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: dest.path, contents: Data(try archive.read(member))) else {
                throw PrepError.io(path: dest.path, reason: "cannot write the extracted crop")
            }
            files += 1
        }
        report.notes.append("\(row): read \(zip.lastPathComponent) in place: \(files) file(s) written to \(imageDir)/ of the output folder (the download is not changed)")
        report.update(split: row) { $0.outputs.append(imageDir + "/") }
        return staging.stagingDirectory
    }

    func run(split: String, staging: OutputStaging, report: RunReport, ledger: ShardLedger? = nil) throws {
        let imageDir = expand(source.images(for: split), split)
        let row = "\(split) recog"
        // The crops from the download's zip when the folder is absent; paths then name the
        // extracted files in the output folder.
        if ledger != nil, try archive(for: split) != nil {
            throw PrepError.usage("--shard: the crops of split '\(split)' are read from the download's zip, which every shard would extract whole; unzip it into the dataset root first")
        }
        let base = try archive(for: split).map { try extract($0, into: imageDir, staging: staging, row: row, report: report) } ?? job.root
        var input = try input(for: split)
        if !FileManager.default.fileExists(atPath: input.path) {
            input = base.appendingPathComponent(expand(source.file(for: split), split))
            guard FileManager.default.fileExists(atPath: input.path) else {
                throw PrepError.layout("\(input.lastPathComponent): not in the zip of split '\(split)' nor in the dataset root")
            }
        }
        let outName: String
        switch format {
        case .mmocr1: outName = "textrecog_\(MMOCR1Config.splitName(split)).json"
        case .paddle: outName = "rec_gt_\(split).txt"
        case .doctr: outName = "doctr_rec/\(MMOCR1Config.splitName(split))/labels.json"
        case .hf: outName = "hf_rec/\(MMOCR1Config.splitName(split))/metadata.jsonl"
        case .easyocr: outName = "easyocr/\(MMOCR1Config.splitName(split))/labels.csv"
        case .tesstrain: outName = "tesstrain/\(MMOCR1Config.splitName(split))"
        default: outName = (recog.labels[split] ?? "\(split)_label") + "." + format.rawValue
        }
        if staging.directory.appendingPathComponent(outName).standardizedFileURL.path == input.standardizedFileURL.path {
            throw PrepError.usage("\(outName) would replace the shipped label file \(input.path); give another output folder (-o)")
        }
        // MMOCR 1.x and PaddleOCR resolve paths against the output folder: the shipped crop
        // folder is linked there (`textrecog_imgs/<split>`, `rec_imgs/<split>`), never copied or moved.
        var records: AnnotationWriter? = nil
        var linker: ImageLinker? = nil
        var relativeTo = ""
        switch format {
        case .mmocr1:
            records = try MMOCR1Writer(url: try staging.url(for: outName), task: .textrecog)
            linker = ImageLinker(staging: staging, prefix: "textrecog_imgs", splitName: MMOCR1Config.splitName, placement: job.imagePlacement)
        case .paddle:
            records = try PaddleRecWriter(url: try staging.url(for: outName))
            linker = ImageLinker(staging: staging, prefix: "rec_imgs", placement: job.imagePlacement)
        case .doctr, .hf:
            // The crop folder linked (or copied) under the split folder's images/; names relative
            // to the label file's folder (docTR: to images/).
            let dir = (outName as NSString).deletingLastPathComponent
            let url = try staging.url(for: outName)
            records = format == .doctr ? try DocTRWriter(url: url, mode: .recognition) : try HFImageFolderWriter(url: url, kind: .recognition)
            linker = ImageLinker(staging: staging, prefix: dir + "/images", splitName: MMOCR1Config.splitName,
                                 placement: job.imagePlacement == .none ? .link : job.imagePlacement)
            relativeTo = format == .doctr ? dir + "/images/" : dir + "/"
        case .easyocr:
            // EasyOCR's trainer (`hierarchical_dataset`) makes a dataset of each folder without
            // sub-folders and reads labels.csv there: the crops are copied beside it, flat.
            records = try EasyOCRLabelsWriter(url: try staging.url(for: outName))
            linker = ImageLinker(staging: staging, prefix: "easyocr", splitName: MMOCR1Config.splitName, placement: .copy)
            relativeTo = (outName as NSString).deletingLastPathComponent + "/"
        case .tesstrain:
            // tesstrain reads each image beside its .gt.txt: the crops are copied into the folder.
            records = try TesstrainWriter(directory: try staging.url(for: outName))
            linker = ImageLinker(staging: staging, prefix: "tesstrain", splitName: MMOCR1Config.splitName, placement: .copy)
            relativeTo = outName + "/"
        default: break
        }
        let writer = records == nil ? try BufferedFileWriter(url: try staging.url(for: outName)) : nil
        let json = PyJSON(ensureASCII: recog.ensureAscii ?? true)
        let fm = FileManager.default
        var spacedTexts = 0
        var nonPNG = 0
        var flatNames = Set<String>()
        let ledgerKind: ShardOutputKind = format == .mmocr1 ? .jsonList : .lines
        ledger?.declare(outName, kind: ledgerKind)
        try ledger?.keepRecordLengths(records, output: outName, kind: ledgerKind)
        let all = try entries(input, split: split, row: row, report: report)
        // Under --shard: this shard's entries (by image name; a bad line by its number), with
        // their positions in the label file's entries.
        let (mine, positions) = ledger.map { l in
            l.select("\(split) labels", all) { e in (try? e.parsed.get()).map(\.name) ?? e.key ?? "line:\(e.line ?? 0)" }
        } ?? (all, Array(all.indices))
        for (entry, position) in zip(mine, positions) {
            ledger?.position = position
            let file = entry.key.map { "\(input.path): \($0)" } ?? input.path
            switch entry.parsed {
            case let .failure(e):
                report.skip(split: row, file: file, line: entry.line, reason: e.reason)
            case let .success((name, text)):
                let path = imageDir.isEmpty ? name : imageDir + "/" + name
                if ContainedName.leavesFolder(name) {
                    report.skip(split: row, file: file, line: entry.line, reason: ContainedName.reason(name))
                    continue
                }
                let imageURL = base.appendingPathComponent(path)
                guard fm.fileExists(atPath: imageURL.path) else {
                    report.skip(split: row, file: file, line: entry.line, reason: "image \(path) is absent")
                    continue
                }
                if let records, let linker {
                    // tesstrain wants each image beside its .gt.txt, EasyOCR beside labels.csv:
                    // flat names, a clash refused before anything is written.
                    let flat = format == .tesstrain || format == .easyocr
                    let image = ImageRef(url: imageURL, name: flat ? (name as NSString).lastPathComponent : name,
                                         width: 0, height: 0, format: .png)
                    if format == .easyocr && !flatNames.insert(image.name).inserted {
                        report.skip(split: row, file: file, line: entry.line,
                                    reason: "another crop is named \(image.name): EasyOCR's folder holds the crops flat beside labels.csv; record skipped")
                        continue
                    }
                    if format == .tesstrain && !flatNames.insert((image.name as NSString).deletingPathExtension).inserted {
                        report.skip(split: row, file: file, line: entry.line,
                                    reason: "another crop has the stem of \(image.name): tesstrain pairs <stem>.gt.txt with one image; record skipped")
                        continue
                    }
                    var linked: String
                    if format == .tesstrain && !["png", "tif", "tiff"].contains((name as NSString).pathExtension.lowercased()) {
                        // tesstrain trains on PNG/TIFF only: other crops (MJSynth's, ArT's JPEGs) are
                        // written as lossless PNG beside their .gt.txt.
                        let png = (image.name as NSString).deletingPathExtension + ".png"
                        do {
                            guard case let .success(bytes) = FileBytes.read(imageURL.path) else { throw PrepError.image(path: imageURL.path, reason: "not readable") }
                            let converted = try TesstrainWriter.trainableImage(bytes, name: imageURL.path)
                            try Data(converted.bytes).write(to: staging.stagingDirectory.appendingPathComponent(relativeTo + png))
                        } catch {
                            report.skip(split: row, file: file, line: entry.line, reason: "\(path): cannot write it as PNG for tesstrain (\(error)); record skipped")
                            continue
                        }
                        nonPNG += 1
                        linked = relativeTo + png
                    } else {
                        // --images none: the path under the dataset root, as the mmocr0 labels write it.
                        linked = job.imagePlacement == .none && relativeTo.isEmpty ? path : try linker.path(for: image, split: split)
                    }
                    if !relativeTo.isEmpty { linked = try DetOutput.relative(linked, to: relativeTo) }
                    do { try records.add(.recognition(linked, text: text, location: RecordLocation(file: input.path, line: entry.line))) } catch let e as PrepError {
                        DatasetRunner.reportSkip(e, row: row, report: report)
                        continue
                    }
                    ledger?.record(outName, kind: ledgerKind)
                    report.update(split: row) { $0.images += 1; $0.instances += 1 }
                    continue
                }
                try writer?.append { buf in
                    switch format {
                    case .txt:
                        if text.contains(" ") { spacedTexts += 1 }
                        buf.append(contentsOf: Array("\(path) \(text)".utf8))
                    case .jsonl: json.write(.object([("filename", .string(path)), ("text", .string(text))]), to: &buf)
                    default: break  // mmocr1 / paddle: written through `records` above
                    }
                    buf.append(0x0A)
                }
                ledger?.record(outName, kind: ledgerKind)
                report.update(split: row) { $0.images += 1; $0.instances += 1 }
            }
        }
        try writer?.close()
        try records?.finish()
        report.update(split: row) { $0.outputs.append(outName) }
        if base != job.root { report.renamePaths(under: base.path, to: job.outputDirectory.path) }
        if nonPNG > 0 {
            report.notes.append("\(outName): \(nonPNG) shipped crop(s) written as PNG (tesstrain's Makefile trains on PNG/TIFF only)")
        }
        if spacedTexts > 0 { report.warn(split: row, file: outName, reason: "\(spacedTexts) × \(LabelFileWriter.spacedTextLoss)") }
    }
}
