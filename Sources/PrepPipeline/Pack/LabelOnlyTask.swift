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
    let valSplit: Recipe.ValSplit?

    init(recipe: Recipe, recog: Recipe.RecogSettings, source: Recipe.LabelSource, job: DatasetJob) throws {
        if job.target != .mmocr0 {
            throw PrepError.usage("--to \(job.target.rawValue) is not available for \(recipe.name)'s shipped-crop labels yet (they are written as jsonl or txt label files)")
        }
        guard let format = LabelFileSink.Format(rawValue: job.recogFormat), format == .jsonl || format == .txt else {
            throw PrepError.usage("--format \(job.recogFormat) is not available for \(recipe.name) (jsonl, txt)")
        }
        guard LabelLineParser.Format(rawValue: source.format) != nil || source.format == "task2-json" else {
            throw PrepError.failed("dataset-zoo/\(recipe.name): unknown recog.label_source.format '\(source.format)' (quoted-comma, space, mjsynth, lv, task2-json)")
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
                report.skip(split: row, file: input.path, line: raw.number, reason: reason)
                continue
            }
            if TextTrim.strip(line).isEmpty { continue }
            out.append((raw.number, nil, parser.parse(line)))
        }
        return out
    }

    func run(split: String, staging: OutputStaging, report: RunReport) throws {
        let input = try input(for: split)
        let imageDir = expand(source.images, split)
        let row = "\(split) recog"
        let outName = (recog.labels[split] ?? "\(split)_label") + "." + format.rawValue
        if staging.directory.appendingPathComponent(outName).standardizedFileURL.path == input.standardizedFileURL.path {
            throw PrepError.usage("\(outName) would replace the shipped label file \(input.path); give another output folder (-o)")
        }
        let writer = try BufferedFileWriter(url: try staging.url(for: outName))
        let json = PyJSON(ensureASCII: recog.ensureAscii ?? true)
        let fm = FileManager.default
        for entry in try entries(input, split: split, row: row, report: report) {
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
                guard fm.fileExists(atPath: job.root.appendingPathComponent(path).path) else {
                    report.skip(split: row, file: file, line: entry.line, reason: "image \(path) is absent")
                    continue
                }
                try writer.append { buf in
                    switch format {
                    case .txt: buf.append(contentsOf: Array("\(path) \(text)".utf8))
                    case .jsonl: json.write(.object([("filename", .string(path)), ("text", .string(text))]), to: &buf)
                    case .mmocr1, .paddle: break  // refused in init
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
