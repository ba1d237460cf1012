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
            // A bar where the count is known (documents, LMDBs); line formats stream.
            let progress = Progress(label: "convert", total: reader.recordCount ?? 0, quiet: quiet)
            try reader.forEach(skipped: { DatasetRunner.reportSkip($0, row: row, report: report) }) { next in
                progress.advance()
                var record = next
                if let reason = Self.escapes(record.imagePath) {
                    report.skip(split: row, file: record.location.file, line: record.location.line,
                                reason: (record.location.element.map { "\($0): " } ?? "") + "image path \(record.imagePath) \(reason); record skipped")
                    return
                }
                if let bytes = record.imageBytes, target != .lmdb {
                    if imagesDir == nil {
                        let d = try staging.url(for: imagesDirName)
                        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
                        imagesDir = d
                    }
                    let name = record.imagePath + Self.imageExtension(bytes)
                    try Data(bytes).write(to: imagesDir!.appendingPathComponent(name))
                    record.imagePath = imagesDirName + "/" + name
                }
                do { try writer.add(record) } catch let e as PrepError {
                    DatasetRunner.reportSkip(e, row: row, report: report)
                    return
                }
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
            for line in writer.losses.lines {
                report.warn(split: row, file: output.path, reason: "not held by \(writtenFormat.rawValue): \(line)")
            }
            if strict && report.skippedCount > 0 {
                throw PrepError.failed("--strict: \(report.skippedCount) record(s) skipped; no output was written")
            }
            try report.requireWritten()
            try staging.commit()
        } catch {
            staging.discard()
            throw error
        }
    }

    /// Why an image path would leave the data root (absolute, or climbing with `..`), or nil.
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
