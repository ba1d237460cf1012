import Foundation
import PrepCore
import PrepConverters
import PrepFormats

/// `prep crops`: any detection annotation prep reads (COCO 0.x, MMOCR 1.x, PaddleOCR, …) becomes recognition
/// data: `crops/<image dir>/<stem1>_<n>.png` plus `label.jsonl|txt` (paths relative to the
/// output folder), diverted vertical crops in `ignores/` with `ignores_label.*`.
public struct CropsJob {
    public var annotation: URL
    public var images: URL
    public var output: URL
    public var settings: CropSettings
    public var format: String
    /// Label format family (`--to`): mmocr0 (`label.jsonl|txt`), mmocr1 (`textrecog.json`),
    /// paddle (`rec_gt.txt`); `format == "lmdb"` puts the crops in `label.lmdb` instead.
    public var target: AnnotationTarget = .mmocr0
    /// json.dumps escaping of jsonl labels (off: UTF-8 text as is).
    public var ensureASCII: Bool
    /// A zoo dataset whose converter reads the transcriptions from each image's `segm_file`
    /// (for COCO files without `text`, like the ICDAR det outputs), and where those files are.
    public var textFrom: Recipe?
    public var gtDirectory: URL?
    public var workers: Int
    public var strict: Bool
    public var quiet: Bool
    /// `--shard I/N`: only this shard's pages (by `file_name`) and their crops, with a ledger for `prep merge`.
    public var shard: Shard? = nil

    public init(annotation: URL, images: URL, output: URL, settings: CropSettings, format: String = "jsonl",
                ensureASCII: Bool = false, textFrom: Recipe? = nil, gtDirectory: URL? = nil,
                workers: Int = 1, strict: Bool = false, quiet: Bool = true) {
        self.annotation = annotation
        self.images = images
        self.output = output
        self.settings = settings
        self.format = format
        self.ensureASCII = ensureASCII
        self.textFrom = textFrom
        self.gtDirectory = gtDirectory
        self.workers = workers
        self.strict = strict
        self.quiet = quiet
    }

    public func run(report: RunReport) throws {
        guard format == "lmdb" || format == "jsonl" || format == "txt" else {
            throw PrepError.usage("--format must be jsonl, txt or lmdb (got '\(format)')")
        }
        let labelFormat: LabelFileSink.Format
        let labelName: String
        switch target {
        case .mmocr0: labelFormat = format == "txt" ? .txt : .jsonl; labelName = "label"
        case .mmocr1: labelFormat = .mmocr1; labelName = "textrecog"
        case .paddle: labelFormat = .paddle; labelName = "rec_gt"
        case .doctr: labelFormat = .doctr; labelName = "labels"
        case .hf: labelFormat = .hf; labelName = "metadata"
        case .easyocr: labelFormat = .easyocr; labelName = "labels"
        case .tesstrain: labelFormat = .tesstrain; labelName = "crops"
        case .coco, .lineJSON, .lmdb, .paddleKIE:
            throw PrepError.usage("prep crops writes recognition data: --to mmocr0, mmocr1, paddle, doctr, hf, easyocr or tesstrain (and --format lmdb for an LMDB)")
        }
        report.options["to"] = target.rawValue
        report.options["format"] = format
        report.options["exif"] = settings.exif.rawValue
        report.options["nproc"] = String(workers)
        report.options["vertical"] = settings.vertical.rawValue
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: images.path, isDirectory: &isDir), isDir.boolValue else {
            throw PrepError.layout("\(images.path): no such image folder (give --images DIR)")
        }
        // The output folder is checked before anything is read or cut.
        try OutputStaging.writing(into: output, strict: strict, report: report) { staging in
            let pages = try Self.readPages(annotation, report: report)
            let shard = self.shard
            let ledger = try shard.map { try ShardLedger(shard: $0, staging: staging) }
            ledger?.enumerated("pages", total: pages.count)
            let mine = { (i: Int) in shard?.contains(pages[i].fileName) ?? true }
            let converter = try textConverter()
            if converter == nil, let im = pages.first(where: { !$0.hasText && !$0.instances.isEmpty }) {
                throw PrepError.usage("\(annotation.path): annotations of \(im.fileName) have no 'text' (MMOCR 0.x det files of ICDAR carry none); give --text-from DATASET (e.g. icdar2015) to read the transcriptions from each image's segm_file")
            }
            let gtDir = gtDirectory ?? annotation.deletingLastPathComponent().appendingPathComponent("annotations")
            // tesstrain and EasyOCR read the crops flat beside their labels: a page's folder joins its name.
            let flat = labelFormat == .tesstrain || labelFormat == .easyocr
            let prefixes = pages.map { Self.cropPrefix($0, flat: flat) }
            var clashes = RecogPacker.prefixClashes(prefixes)
            // Crop names mirror file_name: one that climbs out of the image folder would put
            // crops outside crops/.
            for (i, im) in pages.enumerated() where im.fileName.hasPrefix("/") || im.fileName.split(separator: "/").contains("..") {
                clashes[i] = i
                guard mine(i) else { continue }
                report.skip(split: "crops", file: im.fileName, reason: "file_name leaves the image folder; image skipped")
            }
            for (i, f) in clashes.sorted(by: { $0.key < $1.key }) where i != f && mine(i) {
                report.skip(split: "crops", file: pages[i].fileName,
                            reason: "its crops would be named \(prefixes[i])_N like those of \(pages[f].fileName); image skipped")
            }
            let writesIgnores: @Sendable (String) -> Bool = { [settings] _ in settings.vertical == .ignores }
            let labels = LabelFileSink(
                    staging: staging,
                    layout: Self.layout(labelFormat, labelName: labelName),
                    format: labelFormat, ensureASCII: ensureASCII, writesIgnores: writesIgnores)
            labels.ledger = ledger
            let sink: RecogSink = format == "lmdb"
                ? LMDBSink(ledger: ledger, staging: staging, database: { _ in labelName + ".lmdb" }, ignoreDatabase: { _ in "ignores_" + labelName + ".lmdb" },
                           writesIgnores: writesIgnores)
                : labels
            var packer = RecogPacker(engine: CropEngine(settings: settings), workers: workers, quiet: quiet)
            packer.ledger = ledger
            let images = self.images
            try packer.run(split: "crops", row: "crops", count: pages.count, load: { i in
                if clashes[i] != nil || !mine(i) { return nil }
                return Self.load(pages[i], images: images, converter: converter, gtDir: gtDir).map { (sample: $0, prefix: prefixes[i]) }
            }, sink: sink, report: report)
            try ledger?.finish(report: report)
        }
    }

    /// Where crops and labels go: `crops/` + `<label>.<ext>` naming `crops/<crop>`; docTR and
    /// imagefolder name `images/<crop>` (their `images/` folder beside the label file, docTR's
    /// relative to it); tesstrain writes `<crop>.gt.txt` beside each crop in `crops/`, EasyOCR
    /// `crops/labels.csv` (its trainer reads a folder without sub-folders).
    static func layout(_ format: LabelFileSink.Format, labelName: String) -> LabelFileSink.Layout {
        switch format {
        case .easyocr:
            return .init(cropDir: "crops", ignoreDir: "ignores", labelFile: { _ in "crops/" + labelName }, ignoreLabelFile: { _ in "ignores/" + labelName },
                         labelPath: "{crop}", ignoreLabelPath: "{crop}")
        case .doctr, .hf:
            return .init(cropDir: "images", ignoreDir: "ignores/images", labelFile: { _ in labelName }, ignoreLabelFile: { _ in "ignores/" + labelName },
                         labelPath: format == .doctr ? "{crop}" : "images/{crop}", ignoreLabelPath: format == .doctr ? "{crop}" : "images/{crop}")
        case .tesstrain:
            return .init(cropDir: "crops", ignoreDir: "ignores", labelFile: { _ in "crops" }, ignoreLabelFile: { _ in "ignores" },
                         labelPath: "{crop}", ignoreLabelPath: "{crop}")
        default:
            return .init(cropDir: "crops", ignoreDir: "ignores", labelFile: { _ in labelName }, ignoreLabelFile: { _ in "ignores_" + labelName },
                         labelPath: "crops/{crop}", ignoreLabelPath: "ignores/{crop}")
        }
    }

    /// The pages of any detection annotation (format detected): COCO 0.x through `COCOReader`
    /// as before, the others through their readers (a broken record is reported and left out).
    static func readPages(_ url: URL, report: RunReport) throws -> [COCOReader.Image] {
        let detection = try AnnotationFormat.detect(url)
        if detection.format == .mmocr0COCO { return try COCOReader(url: url).images }
        report.notes.append("detected \(detection.format.rawValue): \(detection.reason)")
        let reader = try detection.format.open(url)
        guard reader.kind == .detection else {
            throw PrepError.usage("\(url.path) holds recognition labels (\(detection.format.rawValue)); prep crops cuts words from detection annotations")
        }
        var pages: [COCOReader.Image] = []
        try reader.forEach(skipped: { DatasetRunner.reportSkip($0, row: "crops", report: report) }) { pages.append(COCOReader.Image(record: $0)) }
        return pages
    }

    func textConverter() throws -> (any PerImageConverter)? {
        guard let recipe = textFrom else { return nil }
        guard let factory = ConverterRegistry.perImage[recipe.converter] else {
            throw PrepError.usage("--text-from \(recipe.name): its converter '\(recipe.converter)' does not read per-image files")
        }
        return try factory(ConverterOptions(recipe.options ?? [:]))
    }

    /// `<folders of file_name>/<name up to its first dot>`: the reference's `stem1`, keeping the
    /// image's sub-folder so that `training/img_1.jpg` and `test/img_1.jpg` do not collide.
    static func cropPrefix(_ image: COCOReader.Image, flat: Bool = false) -> String {
        let dir = (image.fileName as NSString).deletingLastPathComponent
        let stem1 = expandTemplate("{stem1}", split: "", name: (image.fileName as NSString).lastPathComponent)
        if dir.isEmpty { return stem1 }
        // `test/img_1.jpg` → `test_img_1` where the crops may have no sub-folder.
        return flat ? dir.replacingOccurrences(of: "/", with: "_") + "_" + stem1 : dir + "/" + stem1
    }

    /// Probes the image and, with a text converter, takes the transcriptions from its segm_file
    /// (annotation k ↔ ground-truth line k; a count mismatch skips the image).
    static func load(_ image: COCOReader.Image, images: URL, converter: (any PerImageConverter)?, gtDir: URL) -> Result<Sample, PrepError> {
        let url = images.appendingPathComponent(image.fileName)
        do {
            let info = try ImageProbe.probe(url)
            var instances = image.instances
            if let converter, !image.hasText {
                guard let segm = image.segmFile else {
                    return .failure(.input(file: url.path, line: nil, reason: "no segm_file to read the transcriptions from"))
                }
                let gt = gtDir.appendingPathComponent(segm)
                let parsed = try converter.parse(annotation: gt)
                guard parsed.count == instances.count else {
                    return .failure(.input(file: gt.path, line: nil, reason: "has \(parsed.count) instances but the annotation file lists \(instances.count) for \(image.fileName)"))
                }
                for k in instances.indices where instances[k].text == nil { instances[k].text = parsed[k].text }
            }
            let ref = ImageRef(url: url, name: image.fileName, width: info.width, height: info.height,
                               format: info.format, exifOrientation: info.exifOrientation)
            return .success(Sample(image: ref, annotationName: image.segmFile, instances: instances))
        } catch let e as PrepError {
            return .failure(e)
        } catch {
            return .failure(.failed("\(url.path): \(error)"))
        }
    }
}
