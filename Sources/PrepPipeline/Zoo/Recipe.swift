import Foundation

/// One dataset-zoo folder's `dataset.yml`: what the dataset is, where its raw files sit per
/// split, which converter reads them with which options, and what is written. Data, not code:
/// a new dataset is a new folder (plus a converter only when its raw format is new).
public struct Recipe: Decodable, Sendable {
    public var name: String
    public var title: String
    public var paper: String?
    public var citation: String?
    public var homepage: String?
    public var license: String?
    public var tasks: [String]
    /// Every split the dataset has.
    public var splits: [String]
    /// Tasks run when the command line names none (default: det, or the only kind the dataset has).
    public var defaultTasks: [String]?

    /// The tasks a run does when none is asked for: `default_tasks`, else det where there is
    /// one (the dataset commands and `prep obtain` alike).
    public var tasksByDefault: [String] {
        defaultTasks ?? [tasks.contains("det") ? "det" : tasks.first ?? "det"]
    }
    /// Splits prepared when the command line names none.
    public var defaultSplits: [String]?
    /// The converter (`ConverterRegistry`) that reads the raw annotations.
    public var converter: String
    public var options: [String: String]?
    public var layout: Layout
    /// Output file name per task, with `{split}`.
    public var outputs: [String: String]
    public var coco: COCOSettings?
    /// Key information extraction (WildReceipt): the close-set files and what is made of them.
    public var kie: KIESettings?
    /// PaddleOCR KIE (SER/RE) labels from the dataset's entities (`--task kie --to paddle`).
    public var paddleKIE: PaddleKIESettings?
    /// Datasets shipped as one set that `--val-ratio` divides (MTWI, RCTW, BID, …).
    public var valSplit: ValSplit?
    /// How the recognition task cuts crops and names its outputs (datasets with `recog`).
    public var recog: RecogSettings?
    /// Files to obtain, with their hashes.
    public var files: [RemoteFile]?
    /// The download's own archive layout, read in place when the extracted layout is absent
    /// (`kaist-zips`: `KAISTArchive`); what it holds is written into the output folder.
    public var archive: String?
    /// The expected raw layout, as a tree for people.
    public var tree: String?
    public var notes: String?

    /// Where raw files sit, as templates over `{split}`, `{name}` (image file name) and `{stem}`.
    public struct Layout: Decodable, Sendable {
        /// Image folder of a split, relative to the dataset root.
        public var images: String
        /// Image file extensions taken from that folder (case-sensitive, like the reference's globs).
        public var imageExtensions: [String]?
        /// The annotation file of an image.
        public var annotation: String
        /// The image's name in outputs (`file_name`).
        public var fileName: String
        /// The annotation's name in outputs (`segm_file`); `{annotation}` is the annotation file's name.
        public var segmFile: String?
        /// Whether annotation files nobody claimed are reported (false where one annotation
        /// folder serves every split, as VinText's).
        public var reportOrphans: Bool?
        /// The name a split has inside the raw data (`training: train`), for `{set}` in the
        /// annotation template and for converters that pick images by it (COCO-Text's `set`).
        public var sets: [String: String]?
        /// A split whose annotation files are named differently (CTW1500's `test`: `000{stem}.txt`).
        public var annotationBySplit: [String: String]?
        /// Other names a split's annotation file may have (HierText's `val.jsonl`, what the
        /// reference expects, beside the official `validation.jsonl`); each also tried with `.gz`.
        public var alternatives: [String: [String]]?
        /// Per-image annotation files tried in order when `annotation` does not exist
        /// (Total-Text's `.mat` ground truth beside its txt one).
        public var annotationAlternatives: [String]?
        /// List the image folder's sub-folders too (image names become relative paths).
        public var recursive: Bool?
        /// `annotations`: list the annotation folder and find each file's image (FUNSD keeps every
        /// split's images in one folder); by default the image folder is listed.
        public var pairBy: String?

        /// Expands a template of this layout: `{set}` (the split's raw name, `sets`),
        /// `{set_lower}`, then `expandTemplate`'s keys.
        public func expand(_ template: String, split: String, name: String = "") -> String {
            let set = sets?[split] ?? split
            return expandTemplate(template.replacingOccurrences(of: "{set_lower}", with: set.lowercased())
                .replacingOccurrences(of: "{set}", with: set), split: split, name: name)
        }

        /// The annotation template of a split.
        public func annotation(for split: String) -> String { annotationBySplit?[split] ?? annotation }

        enum CodingKeys: String, CodingKey {
            case images, annotation
            case reportOrphans = "report_orphans", sets, pairBy = "pair_by", annotationBySplit = "annotation_by_split", alternatives, recursive
            case annotationAlternatives = "annotation_alternatives"
            case imageExtensions = "image_extensions"
            case fileName = "file_name"
            case segmFile = "segm_file"
        }
    }

    /// COCO 0.x output details of the reference converter.
    public struct COCOSettings: Decodable, Sendable {
        public var annotationKeys: [String]?
        /// How `bbox` is computed: `bounds` (Shapely bounds as floats, the default) or
        /// `clamped-xywh` (x = max(0, min x), y = max(0, min y), w = max x − x, h = max y − y,
        /// integers when the coordinates are; the per-image-txt converters, §2.4) or `xywh` (the
        /// same without clamping at 0: VinText, BID).
        public var bbox: String?
        /// How `area` is computed: `polygon` (Shapely area, the default) or `bbox` (w·h).
        public var area: String?
        enum CodingKeys: String, CodingKey { case annotationKeys = "annotation_keys", bbox, area }
    }

    /// The recognition task of a crop-family converter (§3.1).
    public struct RecogSettings: Decodable, Sendable {
        /// `box` (crop_img), `warp` (warp_img), `xywh-slice`, `bounds-slice`.
        public var crop: String?
        /// crop_img's long and short edge padding ratios.
        public var pad: [Double]?
        /// Whether skipped instances leave gaps in the crop numbering (the reference's DeText).
        public var indexBeforeSkip: Bool?
        public var skipEmptyText: Bool?
        /// Height / width above which a crop counts as vertical, and the splits where that matters.
        public var verticalRatio: Double?
        public var verticalSplits: [String]?
        /// Label file (without extension) per split, e.g. `training: train_label`.
        public var labels: [String: String]
        /// Crop folders (templates over `{split}`) and the path label lines give (`{split}`, `{crop}`).
        public var cropDir: String?
        public var ignoreDir: String?
        public var labelPath: String?
        /// json.dumps escaping of jsonl labels (§1.3).
        public var ensureAscii: Bool?
        /// The crop name prefix, a template over the image name (`{stem1}` in the reference).
        public var cropName: String?
        /// The reference's treatment of vertical crops when the command line names none
        /// (`ignores` by default; FUNSD `drop`).
        public var vertical: String?
        /// Datasets that ship their crops: the label file to read instead of cutting crops.
        public var labelSource: LabelSource?
        /// Crop folder per split where one `crop_dir` template does not fit (SVT: the reference's
        /// `image/` for test); `{crop_dir}` in `label_path` is the split's crop folder.
        public var cropDirs: [String: String]?
        /// Crops named by one running number per split with this printf pattern (SVT's
        /// `img_%04d`) instead of `<crop_name>_<n>`.
        public var numberedName: String?
        /// Crop file type: `png` (the crop family's, the default) or `jpg` (OpenCV's quality 95).
        public var imageExtension: String?
        /// txt label lines end with the image's lexicon: `<path> <text> <lexicon size> <lexicon>` (SVT).
        public var lexicon: Bool?
        /// `source`: JPEG crops keep the source image's quantisation tables (OpenVINO, as the
        /// reference's Pillow `save(qtables=…)`); default quality 95.
        public var jpegTables: String?
        /// The number of an image's first crop (default 1) and whether do-not-care instances
        /// take a number (see `CropSettings`).
        public var firstIndex: Int?
        public var indexIgnored: Bool?
        /// Converter options for the recognition task, over the recipe's (NAF reads other boxes
        /// for recognition than for detection).
        public var options: [String: String]?
        /// The label format when the command line names none (`jsonl` unless said).
        public var defaultFormat: String?

        enum CodingKeys: String, CodingKey {
            case crop, pad, labels
            case indexBeforeSkip = "index_before_skip", skipEmptyText = "skip_empty_text"
            case verticalRatio = "vertical_ratio", verticalSplits = "vertical_splits"
            case cropDir = "crop_dir", ignoreDir = "ignore_dir", labelPath = "label_path"
            case ensureAscii = "ensure_ascii", cropName = "crop_name", labelSource = "label_source", vertical
            case cropDirs = "crop_dirs", numberedName = "numbered_name", imageExtension = "image_extension", lexicon
            case firstIndex = "first_index", indexIgnored = "index_ignored", options, jpegTables = "jpeg_tables"
            case defaultFormat = "default_format"
        }
    }

    /// A shipped recognition label file: its path (template over `{split}`, `{set}`), its line
    /// format (`quoted-comma`, `space`) and the folder its image names are relative to (also the
    /// prefix of the written label paths).
    public struct LabelSource: Decodable, Sendable {
        public var file: String
        public var format: String
        public var images: String
        /// Splits whose label file or crop folder is named otherwise (ICDAR 2015's
        /// `ch4_training_word_images_gt/gt.txt` and `Challenge4_Test_Task3_GT.txt`).
        public var fileBySplit: [String: String]?
        public var imagesBySplit: [String: String]?
        /// The download's zip per split holding the crop folder's files (and the label file when
        /// it lies in that folder), read when the folder is absent: extracted into the output.
        public var archives: [String: String]?

        /// The label file template of `split`.
        public func file(for split: String) -> String { fileBySplit?[split] ?? file }
        /// The crop folder template of `split`.
        public func images(for split: String) -> String { imagesBySplit?[split] ?? images }

        enum CodingKeys: String, CodingKey {
            case file, format, images
            case fileBySplit = "file_by_split", imagesBySplit = "images_by_split", archives
        }
    }

    /// The KIE task: close-set line-JSON per split (`closeset`, template over `{split}`/`{set}`),
    /// the open-set file written from it (`openset`), and files copied to OUT as they are
    /// (`class_list.txt`, `dict.txt`) when OUT is not the dataset root.
    public struct KIESettings: Decodable, Sendable {
        public var closeset: String
        public var openset: String
        public var copy: [String]?
    }

    /// `--task kie --to paddle`: converter options that read entities (FUNSD `level: entity`),
    /// the classes of the class list (`classes`), or the dataset's numbered class list
    /// (`class_list`, WildReceipt's `0 Ignore` lines), and how links are made (`pairing:
    /// closeset-key-value`: key class 2m ↔ value class 2m−1; default: the annotation's own).
    public struct PaddleKIESettings: Decodable, Sendable {
        public var options: [String: String]?
        public var classes: [String]?
        public var classList: String?
        public var pairing: String?
        enum CodingKeys: String, CodingKey { case options, classes, classList = "class_list", pairing }
    }

    /// How `--val-ratio` divides a dataset shipped as one set: the layout is read for split
    /// `from` and the chosen pages move to split `to`, with the reference's selection pattern.
    public struct ValSplit: Decodable, Sendable {
        public var pattern: SplitAssigner.Pattern
        public var from: String
        public var to: String
    }

    /// A file of the official download: where it comes from, how to check it, and where what
    /// it holds goes in the layout (`prep obtain`, `RemoteFileLayout`).
    public struct RemoteFile: Decodable, Sendable {
        /// The file's name as published (its name in `ROOT/.archives/` and in `--from DIR`).
        public var name: String
        public var url: String?
        public var md5: String?
        public var sha256: String?
        /// Size in bytes, where known.
        public var size: Int64?
        public var split: String?
        /// What the file holds, for people.
        public var content: String?
        /// Archive members → layout folders, first match wins; members no rule takes are left out.
        public var extract: [ExtractRule]?
        /// A file that is not an archive: its path in the layout.
        public var to: String?
        /// A registration or a step by hand is needed: what to do (then `--from DIR`).
        public var manual: String?
        /// Why the file has no checksum (a file without md5/sha256 must say why).
        public var noChecksum: String?
        /// The host is gone or unreliable: what people use instead.
        public var gone: String?
        /// Fetched only when one of these tasks is asked for (default: every task).
        public var tasks: [String]?

        /// `from`: a folder or file inside the archive (`.` = its top level); `to`: the layout
        /// path it becomes; `match`: only members whose file name matches this glob (`*.jpg`).
        public struct ExtractRule: Decodable, Sendable {
            public var from: String
            public var to: String
            public var match: String?
        }

        enum CodingKeys: String, CodingKey {
            case name, url, md5, sha256, size, split, content, extract, to, manual, gone, tasks
            case noChecksum = "no_checksum"
        }
    }

    enum CodingKeys: String, CodingKey {
        case name, title, paper, citation, homepage, license, tasks, splits, converter, options, layout, outputs, coco, recog, files, tree, notes
        case archive
        case defaultSplits = "default_splits", defaultTasks = "default_tasks"
        case valSplit = "val_split", kie, paddleKIE = "paddle_kie"
    }

    /// Parses a recipe, naming the file on error.
    public static func parse(yaml: String, source: String) throws -> Recipe {
        do {
            return try YAMLNodeDecoder.decode(Recipe.self, from: yaml)
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw RecipeError(source: source, reason: "missing key '\((ctx.codingPath + [key]).map(\.stringValue).joined(separator: "."))'")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw RecipeError(source: source, reason: "wrong type at '\(ctx.codingPath.map(\.stringValue).joined(separator: "."))'")
        } catch {
            throw RecipeError(source: source, reason: "\(error)")
        }
    }
}

/// A dataset-zoo recipe that cannot be used.
public struct RecipeError: Error, CustomStringConvertible {
    public var source: String
    public var reason: String
    public var description: String { "\(source): \(reason)" }
}

/// Fills `{split}`, `{name}`, `{stem}` (name without its last extension), `{stem1}` (name
/// up to its first dot) and `{number}` (the first run of digits in the name as a number, without
/// leading zeros: VinText's `im0001.jpg` → `1`) and `{head}` (the name up to its first `_`: BID's
/// `00000001_in.jpg` → `00000001`) in a layout template.
public func expandTemplate(_ template: String, split: String, name: String = "") -> String {
    LayoutTemplate(template, split: split).expand(name: name)
}

/// The first run of ASCII digits in `name` without leading zeros (`0` for all zeros, empty if none).
func numberIn(_ name: String) -> String {
    let digits = name.utf8.drop(while: { $0 < 0x30 || $0 > 0x39 }).prefix(while: { $0 >= 0x30 && $0 <= 0x39 })
    guard !digits.isEmpty else { return "" }
    let trimmed = digits.drop(while: { $0 == 0x30 })
    return trimmed.isEmpty ? "0" : String(decoding: trimmed, as: UTF8.self)
}

/// The name without its last extension (`os.path.splitext`: a leading dot is not an extension).
func stemOf(_ name: String) -> String {
    if name.utf8.allSatisfy({ $0 < 0x80 }) {
        guard let dot = name.utf8.lastIndex(of: 0x2E), dot != name.startIndex else { return name }
        return String(Substring(name.utf8[..<dot]))
    }
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
    return String(name[..<dot])
}
