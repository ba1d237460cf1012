import Foundation
import PrepCore
import PrepFormats

/// The detection files one split of a dataset run writes, for the `--to` format: the
/// reference's COCO 0.x (`COCOWriter`, byte for byte), or another format through its
/// `AnnotationWriter`s with image paths as that format resolves them.
protocol DetSplitWriter: AnyObject {
    /// Adds one page; `width`/`height` are the sizes to record.
    func add(_ sample: Sample, width: Int, height: Int) throws
    func finish() throws
}

extension COCOWriter: DetSplitWriter {}

/// `--to mmocr1|paddle|coco|line-json`: samples become records and go to every writer.
///
/// - mmocr1: `textdet_<split>.json` and `textspotting_<split>.json`, `img_path` =
///   `textdet_imgs/<split>/<name>` (linked, see `ImageLinker`), with MMOCR 1.x's split names
///   (`training` → `train`: `textdet_train.json`, as its Dataset Preparer names them). If an instance has no
///   transcription, the split's textspotting file is dropped with a warning (MMOCR 1.x's packer
///   asserts one).
/// - paddle: `det_gt_<split>.txt`, paths relative to the output folder (`data_dir`), through
///   links under `images/` when the images are not inside it.
/// - coco / line-json: `file_name` as the COCO 0.x output writes it.
final class RecordDetWriter: DetSplitWriter {
    private var writers: [(name: String, writer: AnnotationWriter)]
    private let imagePath: (Sample) throws -> String
    private let report: RunReport
    private let split: String
    private var dropped = Set<String>()
    private var added = 0
    /// Drop every file of a split without pages (imagefolder and docTR cannot load an empty split).
    var dropsEmptySplit = false

    init(writers: [(name: String, writer: AnnotationWriter)], split: String, report: RunReport,
         imagePath: @escaping (Sample) throws -> String) {
        self.writers = writers
        self.split = split
        self.report = report
        self.imagePath = imagePath
    }

    /// The writer of the file `name`.
    func writer(named name: String) -> AnnotationWriter? { writers.first { $0.name == name }?.writer }

    func add(_ sample: Sample, width: Int, height: Int) throws {
        added += 1
        let record = AnnotationRecord(imagePath: try imagePath(sample), width: width, height: height,
                                      instances: sample.instances,
                                      location: RecordLocation(file: sample.image.path))
        for (name, w) in writers where !dropped.contains(name) {
            let needsText = (w as? MMOCR1Writer)?.task == .textspotting || (w as? DocTRWriter)?.mode == .ocr
            if needsText, record.instances.contains(where: { $0.text == nil && !$0.ignore }) {
                dropped.insert(name)
                report.warn(split: split, file: sample.image.path, reason: "an instance has no transcription; \(name) not written")
                continue
            }
            try w.add(record)
        }
    }

    func finish() throws {
        if dropsEmptySplit && added == 0 {
            for (name, _) in writers { dropped.insert(name) }
            report.warn(split: split, file: writers.first?.name ?? "", reason: "no pages in this split: nothing written for it (an empty split does not load)")
        }
        for (name, w) in writers {
            try w.finish()
            if dropped.contains(name) { continue }
            for line in w.losses.lines where !line.contains("transcriptions (textdet") && !line.contains("transcriptions (DetectionDataset") {
                report.warn(split: split, file: name, reason: "not held: \(line)")
            }
        }
    }

    /// Names written (the dropped ones removed from the staging folder by the caller).
    var droppedNames: Set<String> { dropped }
}

/// Opens the detection writer of one split for the job's target; returns it with the names
/// of the files it writes (relative to the output folder).
enum DetOutput {
    /// `path` (relative to the output folder) relative to the folder `prefix` (ending in `/`).
    static func relative(_ path: String, to prefix: String) throws -> String {
        if path.hasPrefix(prefix) { return String(path.dropFirst(prefix.count)) }
        throw PrepError.failed("\(path) is not under \(prefix)")
    }

    /// Under `--shard`, a JSON file (COCO 0.x or standard, MMOCR 1.x) is written with its
    /// records' lengths (`ShardRecordLengths`), so the merge copies them as byte ranges instead of
    /// scanning the JSON.
    static func keepRecordLengths(_ writer: DetSplitWriter?, _ names: [String], kind: ShardOutputKind, ledger: ShardLedger?) throws {
        guard let ledger else { return }
        for name in names {
            let file: AnyObject? = (writer as? RecordDetWriter)?.writer(named: name) ?? writer
            try ledger.keepRecordLengths(file, output: name, kind: kind)
        }
    }

    static func open(target: AnnotationTarget, template: String, split: String, layout: COCOWriter.Layout,
                     staging: OutputStaging, report: RunReport, linker: inout ImageLinker?,
                     placement: ImagePlacement = .link) throws -> (DetSplitWriter, [String]) {
        switch target {
        case .mmocr0:
            let name = expandTemplate(template, split: split)
            return (try COCOWriter(url: try staging.url(for: name), layout: layout), [name])
        case .mmocr1:
            // MMOCR 1.x's preparer names files and image folders by its split names (`train`, `val`, `test`).
            let s1 = MMOCR1Config.splitName(split)
            let names = ["textdet_\(s1).json", "textspotting_\(s1).json"]
            let writers: [(String, AnnotationWriter)] = [
                (names[0], try MMOCR1Writer(url: try staging.url(for: names[0]), task: .textdet)),
                (names[1], try MMOCR1Writer(url: try staging.url(for: names[1]), task: .textspotting)),
            ]
            let l = linker ?? ImageLinker(staging: staging, prefix: "textdet_imgs", splitName: MMOCR1Config.splitName, placement: placement)
            linker = l
            return (RecordDetWriter(writers: writers, split: split, report: report) { try l.path(for: $0.image, split: split) }, names)
        case .paddle:
            let name = "det_gt_\(split).txt"
            let l = linker ?? ImageLinker(staging: staging, prefix: "images", placement: placement)
            linker = l
            let root = staging.directory.standardizedFileURL.path + "/"
            let writer = RecordDetWriter(writers: [(name, try PaddleDetWriter(url: try staging.url(for: name)))], split: split, report: report) { s in
                let file = s.image.url.standardizedFileURL.path
                return file.hasPrefix(root) && placement != .none ? String(file.dropFirst(root.count)) : try l.path(for: s.image, split: split)
            }
            return (writer, [name])
        case .coco, .lineJSON:
            let name = target == .coco ? "coco_\(split).json" : "instances_\(split).jsonl"
            let w: AnnotationWriter = target == .coco ? try StandardCOCOWriter(url: try staging.url(for: name)) : try LineJSONWriter(url: try staging.url(for: name))
            return (RecordDetWriter(writers: [(name, w)], split: split, report: report) { $0.image.name }, [name])
        case .doctr:
            // docTR's training scripts read `<train_path>/images/` + `<train_path>/labels.json`;
            // OCRDataset the same images with `ocr_labels.json`.
            let dir = "doctr/\(MMOCR1Config.splitName(split))"
            let names = [dir + "/labels.json", dir + "/ocr_labels.json"]
            // img_hash from the raw image (a record's location is its image file, see `add`).
            let source: (AnnotationRecord) -> URL? = { URL(fileURLWithPath: $0.location.file) }
            let writers: [(String, AnnotationWriter)] = [
                (names[0], try DocTRWriter(url: try staging.url(for: names[0]), mode: .detection, imageFile: source)),
                (names[1], try DocTRWriter(url: try staging.url(for: names[1]), mode: .ocr, imageFile: source)),
            ]
            // images/<split>/<name> (or images/<first folder of the name>/…), keys relative to images/.
            let l = ImageLinker(staging: staging, prefix: dir + "/images", splitName: MMOCR1Config.splitName, placement: placement == .none ? .link : placement)
            let writer = RecordDetWriter(writers: writers, split: split, report: report) { s in
                try Self.relative(try l.path(for: s.image, split: split), to: dir + "/images/")
            }
            writer.dropsEmptySplit = true
            return (writer, names)
        case .hf:
            // imagefolder: metadata.jsonl with file_name relative to its folder, the images under it.
            let dir = "hf_det/\(MMOCR1Config.splitName(split))"
            let name = dir + "/metadata.jsonl"
            let l = ImageLinker(staging: staging, prefix: dir + "/images", splitName: MMOCR1Config.splitName, placement: placement == .none ? .link : placement)
            let w = try HFImageFolderWriter(url: try staging.url(for: name), kind: .detection)
            let writer = RecordDetWriter(writers: [(name, w)], split: split, report: report) { s in
                try Self.relative(try l.path(for: s.image, split: split), to: dir + "/")
            }
            writer.dropsEmptySplit = true
            return (writer, [name])
        case .paddleKIE:
            throw PrepError.usage("PaddleOCR KIE labels come from --task kie --to paddle (FUNSD, WildReceipt)")
        case .lmdb, .tesstrain, .easyocr:
            throw PrepError.usage("--to \(target.rawValue) holds recognition crops; use --task recog\(target == .lmdb ? " --format lmdb" : "")")
        }
    }
}
