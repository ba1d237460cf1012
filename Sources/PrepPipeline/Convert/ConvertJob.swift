import Foundation
import PrepCore
import PrepFormats

/// `prep convert`: reads any annotation file prep or the reference tools write (format given
/// or detected) and writes it in another format. Records that cannot be read or written are
/// skipped and listed with their location; what the target cannot hold is listed as warnings.
/// The output appears only when the whole conversion succeeded.
public struct ConvertJob {
    public var input: URL
    public var output: URL
    public var target: AnnotationTarget
    /// nil: detect.
    public var from: AnnotationFormat?
    /// Where image paths are resolved (LMDB targets read image bytes there); default: the
    /// input's folder.
    public var images: URL?
    public var strict: Bool
    /// No progress bar.
    public var quiet: Bool
    /// `--shard I/N`: only the records whose image is this shard's, with a ledger for `prep merge`.
    public var shard: Shard? = nil

    public init(input: URL, output: URL, target: AnnotationTarget, from: AnnotationFormat? = nil, images: URL? = nil,
                strict: Bool = false, quiet: Bool = true) {
        self.quiet = quiet
        self.input = input
        self.output = output
        self.target = target
        self.from = from
        self.images = images
        self.strict = strict
    }

    public func run(report: RunReport) throws {
        let format: AnnotationFormat
        if let from {
            format = from
            report.notes.append("reading \(input.lastPathComponent) as \(format.rawValue) (--from)")
        } else {
            let d = try AnnotationFormat.detect(input)
            format = d.format
            report.notes.append("detected \(format.rawValue): \(d.reason)")
        }
        report.options["from"] = format.rawValue
        report.options["to"] = target.rawValue
        let row = "convert"
        let reader = try format.open(input)
        let kind = reader.kind
        let syntax: LabelFileWriter.Syntax = output.pathExtension == "txt" ? .txt : .jsonl
        // A first pass finds whether detection instances carry text (MMOCR 1.x then writes
        // textspotting, COCO 0.x a text key), so that nothing is lost; records stream both times.
        var hasText = false
        if kind == .detection && (target == .mmocr0 || target == .mmocr1) {
            while true {
                let r: AnnotationRecord?
                do { r = try reader.next() } catch { continue }
                guard let r else { break }
                if r.instances.contains(where: { $0.text != nil }) { hasText = true; break }
            }
            try reader.restart()
        }
        let outDir = output.deletingLastPathComponent()
        let staging = try OutputStaging(directory: outDir)
        do {
            let outURL = try staging.url(for: output.lastPathComponent)
            let imageRoot = images ?? input.deletingLastPathComponent()
            let writer = try target.writer(kind: kind, url: outURL, hasText: hasText, labelSyntax: syntax, imageRoot: imageRoot)
            let writtenFormat = target.format(kind: kind, labelSyntax: syntax)
            report.notes.append("writing \(output.lastPathComponent) as \(writtenFormat.rawValue)\(writer is MMOCR1Writer ? " (\((writer as! MMOCR1Writer).task.rawValue))" : "")")
            // LMDB images become files beside a file target.
            let imagesDirName = (output.lastPathComponent as NSString).deletingPathExtension + "_images"
            var imagesDir: URL?
            var records = 0, instances = 0, ignored = 0
            // Detection records without sizes (PaddleOCR det) get them from the image header
            // (JPEG SOF / PNG IHDR, stored pixels), so COCO gets its width/height.
            var probed = 0, unprobed = 0
            // EasyOCR names in a sub-folder: its trainer's `hierarchical_dataset` skips a folder that has one.
            var nested = 0
            // A bar where the count is known (documents, LMDBs); line formats stream.
            let progress = Progress(label: "convert", total: reader.recordCount ?? 0, quiet: quiet)
            // Under --shard: each record's position in the input, and whether it is this shard's
            // (by its image path; an unreadable record by its position).
            let ledger = try shard.map { try ShardLedger(shard: $0, staging: staging) }
            let mergeKind = Self.shardKind(writtenFormat)
            guard shard == nil || mergeKind != nil else {
                throw PrepError.usage("--shard: prep merge does not join \(writtenFormat.rawValue) outputs yet (run it unsharded)")
            }
            let ledgerKind = mergeKind ?? .lines  // only read under --shard, checked above
            ledger?.declare(output.lastPathComponent, kind: ledgerKind)
            try ledger?.keepRecordLengths(writer, output: output.lastPathComponent, kind: ledgerKind)
            var position = -1
            try reader.forEach(skipped: {
                position += 1
                if shard?.contains("record:\(position)") ?? true { DatasetRunner.reportSkip($0, row: row, report: report) }
            }) { next in
                progress.advance()
                position += 1
                if let shard, !shard.contains(next.imagePath) { return }
                ledger?.position = position
                var record = next
                if let reason = Self.escapes(record.imagePath) {
                    report.skip(split: row, file: record.location.file, line: record.location.line,
                                reason: (record.location.element.map { "\($0): " } ?? "") + "image path \(record.imagePath) \(reason); record skipped")
                    return
                }
                if target == .tesstrain {
                    // tesstrain reads each image beside its .gt.txt: the images go into the output
                    // folder, as PNG unless PNG or TIFF already (its Makefile trains on those only).
                    let source = (record.imagePath as NSString).lastPathComponent
                    var name = source
                    do {
                        try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true)
                        let bytes: [UInt8]
                        if let b = record.imageBytes { bytes = b } else {
                            switch FileBytes.read(imageRoot.appendingPathComponent(record.imagePath).path) {
                            case let .success(b): bytes = b
                            case let .failure(e): throw PrepError.image(path: record.imagePath, reason: e.reason)
                            }
                        }
                        let image = try TesstrainWriter.trainableImage(bytes, name: record.imagePath)
                        let stem = record.imageBytes == nil ? (source as NSString).deletingPathExtension : source
                        name = stem + "." + image.fileExtension
                        try Data(image.bytes).write(to: outURL.appendingPathComponent(name))
                    } catch {
                        report.skip(split: row, file: record.location.file, line: record.location.line,
                                    reason: (record.location.element.map { "\($0): " } ?? "") + "cannot put image \(record.imagePath) beside its .gt.txt (\((error as? PrepError).map { "\($0)" } ?? error.localizedDescription)); record skipped")
                        return
                    }
                    record.imagePath = name
                    record.imageBytes = nil
                } else if let bytes = record.imageBytes, target == .easyocr {
                    // EasyOCR's trainer reads the images beside labels.csv, in a folder without sub-folders.
                    let name = (record.imagePath as NSString).lastPathComponent + Self.imageExtension(bytes)
                    try Data(bytes).write(to: try staging.url(for: name))
                    record.imagePath = name
                } else if let bytes = record.imageBytes, target != .lmdb {
                    if imagesDir == nil {
                        let d = try staging.url(for: imagesDirName)
                        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
                        imagesDir = d
                    }
                    let name = record.imagePath + Self.imageExtension(bytes)
                    try Data(bytes).write(to: imagesDir!.appendingPathComponent(name))
                    record.imagePath = imagesDirName + "/" + name
                }
                if kind == .detection && target != .paddle && (record.width == nil || record.height == nil) && record.imageBytes == nil {
                    if let info = try? ImageProbe.probe(imageRoot.appendingPathComponent(record.imagePath), checkComplete: false) {
                        record.width = info.width
                        record.height = info.height
                        probed += 1
                    } else {
                        unprobed += 1
                    }
                }
                do { try writer.add(record) } catch let e as PrepError {
                    DatasetRunner.reportSkip(e, row: row, report: report)
                    return
                }
                if target == .easyocr && record.imagePath.contains("/") { nested += 1 }
                ledger?.record(output.lastPathComponent, kind: ledgerKind)
                records += 1
                instances += record.instances.count
                ignored += record.instances.filter(\.ignore).count
            }
            progress.finish()
            try writer.finish()
            report.update(split: row) {
                $0.images = records
                $0.instances = instances
                $0.ignored = ignored
                $0.outputs.append(output.lastPathComponent)
                if imagesDir != nil { $0.outputs.append(imagesDirName + "/") }
            }
            if probed > 0 { report.notes.append("\(probed) image size(s) read from the image headers under \(imageRoot.path)") }
            if unprobed > 0 {
                report.warn(split: row, file: input.path, reason: "\(unprobed) record(s) have no size and their image is not readable under \(imageRoot.path) (give --images DIR)")
            }
            if nested > 0 {
                report.warn(split: row, file: output.path, reason: "\(nested) image path(s) in a sub-folder: EasyOCR's trainer reads a folder without sub-folders, with the images beside labels.csv (prep DATASET --task recog --to easyocr, or prep crops --to easyocr, lays them out so)")
            }
            for line in writer.losses.lines {
                report.warn(split: row, file: output.path, reason: "not held by \(writtenFormat.rawValue): \(line)")
            }
            if strict && report.skippedCount > 0 {
                throw PrepError.failed("--strict: \(report.skippedCount) record(s) skipped; no output was written")
            }
            ledger?.enumerated("records", total: position + 1)
            try ledger?.finish(report: report)
            try report.requireWritten()
            try staging.commit()
        } catch {
            staging.discard()
            throw error
        }
    }

    /// Why an image path would leave the data root (absolute, or climbing with `..`), or nil.
    /// How `prep merge` reads a file written as `format`.
    /// How `prep merge` reads an output of `format` (nil: not mergeable; `--shard` is refused).
    static func shardKind(_ format: AnnotationFormat) -> ShardOutputKind? {
        switch format {
        case .paddleKIE, .doctr, .hf, .easyocr, .tesstrain: return nil
        case .mmocr0COCO: return .coco0
        case .coco: return .coco
        case .mmocr1: return .jsonList
        case .lmdb: return .lmdb
        case .lineJSON, .paddleDet, .paddleRec, .labelTxt, .labelJsonl: return .lines
        }
    }

    static func escapes(_ path: String) -> String? {
        if path.hasPrefix("/") { return "is absolute (it must be relative to the data root)" }
        if path.split(separator: "/").contains("..") { return "climbs out of the data root (..)" }
        return nil
    }

    static func imageExtension(_ b: [UInt8]) -> String {
        if b.starts(with: [0xFF, 0xD8]) { return ".jpg" }
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return ".png" }
        return ".bin"
    }
}
