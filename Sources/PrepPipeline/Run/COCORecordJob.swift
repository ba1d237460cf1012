import Foundation
import PrepCore
import PrepConverters

/// A dataset whose raw annotations are COCO-like files rewritten record by record into one COCO
/// file (CurvedSynText150k, `COCORecordConverter`): the first part's top-level keys in its order,
/// `images` and `annotations` of every part concatenated through the converter, part `k`'s ids
/// shifted past the largest ids of part `k − 1` (as the reference's two parts), `categories`
/// replaced by the one text category, any other key written as parsed. Images are not read (the
/// reference does not read them either). Files are indexed, not parsed whole, and records are
/// converted in parallel batches and written in input order.
struct COCORecordJob: DatasetFamily {
    let job: DatasetJob

    static func reads(_ recipe: Recipe) -> Bool { ConverterRegistry.cocoRecord[recipe.converter] != nil }

    init(job: DatasetJob) { self.job = job }

    /// One converted record: its JSON bytes, its source id (for the next part's offset) and how
    /// many unknown characters it holds; or why it was left out.
    typealias Converted = Result<(bytes: [UInt8], sourceID: Int?, unknown: Int), PrepError>

    func run(report: RunReport) throws {
        try job.validate()
        job.noteOptions(in: report)
        let recipe = job.recipe
        let options = ConverterOptions((recipe.options ?? [:]).merging(job.converterOptions) { _, new in new })
        guard let factory = ConverterRegistry.cocoRecord[recipe.converter] else {
            throw PrepError.failed("dataset-zoo/\(recipe.name): '\(recipe.converter)' is not a COCO-record converter")
        }
        let converter = try factory(options)
        guard Set(job.tasks).isSubset(of: ["det", "spotting"]) else {
            throw PrepError.usage("\(recipe.name) has the det and spotting tasks only")
        }
        if job.tasks.contains("spotting") {
            report.notes.append("the COCO file carries each word's text (decoded from rec): it serves det and spotting")
        }
        guard job.target == .mmocr0 else {
            throw PrepError.usage("\(recipe.name) writes the reference's COCO file only; convert it afterwards (prep convert … --to \(job.target.rawValue))")
        }
        guard let template = recipe.outputs["det"] else { throw PrepError.failed("dataset-zoo/\(recipe.name): no det output named in 'outputs'") }
        let split = job.splits.first ?? "training"
        let files = try converter.parts.map { part -> IndexedJSONFile in
            let url = job.root.appendingPathComponent(part.file)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw PrepError.layout("\(url.path): missing (expected \(part.file) in the dataset root)")
            }
            let file = try IndexedJSONFile(url)
            for key in ["images", "annotations"] where file.top[key] == nil {
                throw PrepError.input(file: url.path, line: nil, reason: "expected a COCO object with 'images' and 'annotations' lists (no '\(key)')")
            }
            return file
        }
        let images = try files.map { try $0.elements($0.top["images"]!, "images") }
        let annotations = try files.map { try $0.elements($0.top["annotations"]!, "annotations") }
        // Image-id offsets first (image records are small): part k starts past part k − 1's largest id.
        var imageOffsets = [0]
        for k in 0..<max(0, files.count - 1) {
            var maxID: Int? = nil
            for r in images[k] {
                if case let .int(id)? = try? files[k].value(r)["id"] { maxID = Swift.max(maxID ?? id, id) }
            }
            imageOffsets.append(maxID.map { $0 + imageOffsets[k] + 1 } ?? imageOffsets[k])
        }
        report.options["parts"] = converter.parts.map { "\($0.file)=\($0.prefix)" }.joined(separator: ",")

        let outName = expandTemplate(template, split: split)
        try OutputStaging.writing(into: job.outputDirectory, strict: job.strict, report: report) { staging in
            let out = try BufferedFileWriter(url: try staging.url(for: outName))
            let json = PyJSON(ensureASCII: true)
            var keys = files[0].topKeys
            if !keys.contains("categories") { keys.append("categories") }
            var unknown = 0
            try out.write("{")
            for (n, key) in keys.enumerated() {
                try out.append { buf in
                    if n > 0 { buf += [0x2C, 0x20] }
                    json.writeString(key, to: &buf)
                    buf += [0x3A, 0x20]
                }
                switch key {
                case "images":
                    _ = try writeList(images, name: "images", files: files, out: out, split: split, report: report,
                                      sequentialOffsets: false) { k, value, _ in
                        (try converter.image(value, part: k, imageOffset: imageOffsets[k]), 0)
                    }
                case "annotations":
                    unknown = try writeList(annotations, name: "annotations", files: files, out: out, split: split, report: report,
                                            sequentialOffsets: true) { k, value, annotationOffset in
                        try converter.annotation(value, imageOffset: imageOffsets[k], annotationOffset: annotationOffset)
                    }
                case "categories":
                    try out.write("[{\"id\": 1, \"name\": \"text\"}]")
                default:
                    let value = try files[0].value(files[0].top[key]!)
                    try out.append { json.write(value, to: &$0) }
                }
            }
            try out.write("}")
            try out.close()
            report.update(split: split) { $0.outputs.append(outName) }
            if unknown > 0 {
                report.notes.append("\(unknown) unknown character(s) (rec index 95) written as 口 (the reference crashes on them)")
            }
        }
    }

    /// Writes `[…]` of every part's records; with `sequentialOffsets`, part k's ids are shifted
    /// past the largest source id of part k − 1 (known once that part is written). Returns the
    /// unknown-character count.
    func writeList(_ lists: [[Range<Int>]], name: String, files: [IndexedJSONFile], out: BufferedFileWriter, split: String,
                   report: RunReport, sequentialOffsets: Bool,
                   convert: @escaping (Int, JSONValue, Int) throws -> (JSONValue, Int)) throws -> Int {
        var written = 0, unknown = 0, offset = 0
        try out.write("[")
        for (k, ranges) in lists.enumerated() {
            let file = files[k]
            let partName = file.url.lastPathComponent
            var maxID: Int? = nil
            let partOffset = offset
            let progress = Progress(label: "\(job.recipe.name) \(partName) \(name)", total: ranges.count, quiet: job.quiet)
            try OrderedParallel.forEach(ranges, workers: job.workers, transform: { range -> Converted in
                do {
                    let value = try file.value(range)
                    var sourceID: Int? = nil
                    if case let .int(id)? = value["id"] { sourceID = id }
                    let (converted, unk) = try convert(k, value, partOffset)
                    return .success((PyJSON(ensureASCII: true).encode(converted), sourceID, unk))
                } catch let e as PrepError {
                    return .failure(e)
                } catch {
                    return .failure(.input(file: partName, line: nil, reason: "\(error)"))
                }
            }) { i, result in
                progress.advance()
                let location = "\(partName): \(name)[\(i)]"
                switch result {
                case let .success(r):
                    if let id = r.sourceID { maxID = Swift.max(maxID ?? id, id) }
                    try out.append { buf in
                        if written > 0 { buf += [0x2C, 0x20] }
                        buf += r.bytes
                    }
                    written += 1
                    if r.unknown > 0 {
                        unknown += r.unknown
                        report.warn(split: split, file: location + (r.sourceID.map { " (id \($0))" } ?? ""),
                                    reason: "\(r.unknown) unknown character(s) (rec index 95) written as 口")
                    }
                    report.update(split: split) { if name == "images" { $0.images += 1 } else { $0.instances += 1 } }
                case let .failure(e):
                    let reason: String
                    if case let .input(_, _, r) = e { reason = r } else { reason = e.description }
                    report.skip(split: split, file: location, reason: reason)
                }
            }
            progress.finish()
            if sequentialOffsets, let maxID { offset = maxID + partOffset + 1 }
        }
        try out.write("]")
        return unknown
    }
}
