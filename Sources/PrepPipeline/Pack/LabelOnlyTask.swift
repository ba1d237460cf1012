import Foundation
import PrepCore
import PrepConverters

/// Recognition for datasets that ship their word crops with a label file (ICDAR 2011/2013,
/// IIIT5K, SVTP, CUTE80): the label file is read line by line and rewritten as MMOCR 0.x labels
/// (`<image dir>/<name> <text>` or `{"filename", "text"}`); no image is cut or changed. A line
/// that does not parse, or names an image that is not there, is skipped and reported.
struct LabelOnlyTask {
    let source: Recipe.LabelSource
    let recog: Recipe.RecogSettings
    let format: LabelFileSink.Format
    let job: DatasetJob
    let layout: Recipe.Layout

    init(recipe: Recipe, recog: Recipe.RecogSettings, source: Recipe.LabelSource, job: DatasetJob) throws {
        guard let format = LabelFileSink.Format(rawValue: job.recogFormat) else {
            throw PrepError.usage("--format \(job.recogFormat) is not available for \(recipe.name) (jsonl, txt)")
        }
        guard LabelLineParser.Format(rawValue: source.format) != nil else {
            throw PrepError.failed("dataset-zoo/\(recipe.name): unknown recog.label_source.format '\(source.format)' (quoted-comma, space, mjsynth, lv)")
        }
        for split in job.splits where recog.labels[split] == nil {
            throw PrepError.failed("dataset-zoo/\(recipe.name): recog.labels has no label file for split '\(split)'")
        }
        self.source = source
        self.recog = recog
        self.format = format
        self.job = job
        self.layout = recipe.layout
    }

    func expand(_ template: String, _ split: String) -> String { layout.expand(template, split: split) }

    /// The label file of `split`, checked before any work (a missing one is a layout error).
    func input(for split: String) throws -> URL {
        let rel = expand(source.file, split)
        let url = job.root.appendingPathComponent(rel)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw PrepError.layout("\(url.path): missing label file for split '\(split)' (expected \(rel) under the dataset root)")
        }
        return url
    }

    func run(split: String, staging: OutputStaging, report: RunReport) throws {
        let input = try input(for: split)
        let parser = LabelLineParser(format: LabelLineParser.Format(rawValue: source.format)!)
        let imageDir = expand(source.images, split)
        let row = "\(split) recog"
        let outName = (recog.labels[split] ?? "\(split)_label") + "." + format.rawValue
        if staging.directory.appendingPathComponent(outName).standardizedFileURL.path == input.standardizedFileURL.path {
            throw PrepError.usage("\(outName) would replace the shipped label file \(input.path); give another output folder (-o)")
        }
        let writer = try BufferedFileWriter(url: try staging.url(for: outName))
        let json = PyJSON(ensureASCII: recog.ensureAscii ?? true)
        let reader = try LineReader(url: input)
        let fm = FileManager.default
        while let raw = reader.next() {
            let line: String
            do { line = try reader.decode(raw) } catch let PrepError.input(_, _, reason) {
                report.skip(split: row, file: input.path, line: raw.number, reason: reason)
                continue
            }
            if TextTrim.strip(line).isEmpty { continue }
            switch parser.parse(line) {
            case let .failure(e):
                report.skip(split: row, file: input.path, line: raw.number, reason: e.reason)
            case let .success((name, text)):
                let path = imageDir.isEmpty ? name : imageDir + "/" + name
                if name.hasPrefix("/") || name.split(separator: "/").contains("..") {
                    report.skip(split: row, file: input.path, line: raw.number, reason: "image name '\(name)' leaves the image folder")
                    continue
                }
                guard fm.fileExists(atPath: job.root.appendingPathComponent(path).path) else {
                    report.skip(split: row, file: input.path, line: raw.number, reason: "image \(path) is absent")
                    continue
                }
                try writer.append { buf in
                    switch format {
                    case .txt: buf.append(contentsOf: Array("\(path) \(text)".utf8))
                    case .jsonl: json.write(.object([("filename", .string(path)), ("text", .string(text))]), to: &buf)
                    }
                    buf.append(0x0A)
                }
                report.update(split: row) { $0.images += 1; $0.instances += 1 }
            }
        }
        try writer.close()
        report.update(split: row) { $0.outputs.append(outName) }
    }
}
