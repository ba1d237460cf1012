import Foundation
import PrepCore
import PrepFormats
import PrepConverters

/// `--task kie --to paddle`: PaddleOCR's KIE (SER / RE) label lines per split
/// (`kie_gt_<split>.txt`, `PaddleKIEWriter`) and the class list its SER config names
/// (`kie_class_list.txt`), from the dataset's entities: FUNSD's form entries (label, id,
/// linking as annotated), WildReceipt's close-set boxes (the class name from `class_list.txt`;
/// each key class 2m linked to value class 2m−1 on the same receipt, MMOCR's open-set pairing).
/// Image paths are relative to the output folder (PaddleOCR's `data_dir`), through `images/`
/// as the det labels (`--images link|copy|none`).
final class PaddleKIETask: TaskPass {
    let settings: Recipe.PaddleKIESettings
    let recipe: Recipe
    let job: DatasetJob
    let source: DatasetSource
    private var linker: ImageLinker?
    /// Close-set class number → name (WildReceipt), empty for labelled entities (FUNSD).
    let classNames: [Int: String]
    private var labels: [String] = []

    init(recipe: Recipe, job: DatasetJob) throws {
        guard let s = recipe.paddleKIE else {
            throw PrepError.usage("\(recipe.name) has no PaddleOCR KIE labels (--task kie --to paddle: funsd, wildreceipt)")
        }
        settings = s
        self.recipe = recipe
        self.job = job
        source = try DatasetSource(recipe: recipe, root: job.root, overrides: (s.options ?? [:]).merging(job.converterOptions) { _, cli in cli })
        var names: [Int: String] = [:]
        if let file = s.classList {
            let url = job.root.appendingPathComponent(file)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw PrepError.layout("\(url.path): missing class list (expected \(file) in the dataset root)")
            }
            for line in text.split(whereSeparator: \.isNewline) {
                let parts = line.split(maxSplits: 1, whereSeparator: \.isWhitespace)
                if parts.count == 2, let n = Int(parts[0]) { names[n] = parts[1].trimmingCharacters(in: .whitespaces) }
            }
        }
        classNames = names
        labels = s.classes ?? names.sorted { $0.key < $1.key }.map(\.value)
    }

    /// `--task kie --to paddle`.
    static func plan(_ job: DatasetJob) throws -> PaddleKIETask? {
        job.tasks.contains("kie") && job.target == .paddle ? try PaddleKIETask(recipe: job.recipe, job: job) : nil
    }

    func run(split: String, _ input: RunInput, _ output: RunOutput) throws {
        try run(split: split, staging: output.staging, report: input.report, load: SampleLoader.load)
    }

    func finish(_ input: RunInput, _ output: RunOutput) throws {
        try finish(staging: output.staging, report: input.report)
    }

    func run(split: String, staging: OutputStaging, report: RunReport,
             load: (GatheredPair, (any PerImageConverter)?) -> Result<Sample, PrepError>) throws {
        let row = "\(split) kie"
        let pairs = try source.gather(split: split, report: report)
        let name = "kie_gt_\(split).txt"
        let url = try staging.url(for: name)
        let writer = try PaddleKIEWriter(url: url, classNames: classNames)
        var written = 0
        let l = linker ?? ImageLinker(staging: staging, prefix: "images", placement: job.imagePlacement)
        linker = l
        let root = staging.directory.standardizedFileURL.path + "/"
        for pair in pairs {
            switch load(pair, source.perImage) {
            case let .failure(e):
                DatasetRunner.reportSkip(e, row: row, report: report)
            case let .success(sample):
                let file = sample.image.url.standardizedFileURL.path
                let path = file.hasPrefix(root) && job.imagePlacement != .none ? String(file.dropFirst(root.count)) : try l.path(for: sample.image, split: split)
                let size = sample.image.size(under: job.exif)
                let instances = settings.pairing == "closeset-key-value" ? Self.linkKeysToValues(sample.instances) : sample.instances
                try writer.add(AnnotationRecord(imagePath: path, width: size.width, height: size.height, instances: instances,
                                                location: RecordLocation(file: sample.image.path)))
                written += 1
                report.update(split: row) {
                    $0.images += 1
                    $0.instances += instances.count
                }
            }
        }
        try writer.finish()
        for line in writer.losses.lines { report.warn(split: row, file: name, reason: "not held: \(line)") }
        guard written > 0 else {
            // An empty label file trains nothing (PaddleOCR's train.py stops: "No Images in train dataset").
            try? FileManager.default.removeItem(at: url)
            report.warn(split: row, file: name, reason: "no pages in this split: nothing written for it")
            return
        }
        report.update(split: row) { $0.outputs.append(name) }
    }

    /// Writes the class list once, after the last split.
    func finish(staging: OutputStaging, report: RunReport) throws {
        let name = "kie_class_list.txt"
        let url = try staging.url(for: name)
        do { try Data(PaddleKIEWriter.classList(labels).utf8).write(to: url) } catch {
            throw PrepError.io(path: url.path, reason: "cannot write the class list")
        }
        if let last = job.splits.last { report.update(split: "\(last) kie") { $0.outputs.append(name) } }
    }

    /// WildReceipt close-set pages: ids by position, and each key (class 2m) linked to every
    /// value of class 2m−1 on the page, the pair listed on both (as XFUND's linking).
    static func linkKeysToValues(_ instances: [TextInstance]) -> [TextInstance] {
        func cls(_ i: TextInstance) -> Int? { if case let .int(c)? = i.attributes["kie_class"] { return c }; return nil }
        var out = instances
        var links = [[JSONValue]](repeating: [], count: instances.count)
        for (k, key) in instances.enumerated() {
            guard let c = cls(key), c > 0, c % 2 == 0, c < 25 else { continue }
            for (v, value) in instances.enumerated() where cls(value) == c - 1 {
                let pair: JSONValue = .array([.int(k), .int(v)])
                links[k].append(pair)
                links[v].append(pair)
            }
        }
        for k in out.indices {
            out[k].attributes["kie_id"] = .int(k)
            out[k].attributes["kie_linking"] = .array(links[k])
        }
        return out
    }
}
