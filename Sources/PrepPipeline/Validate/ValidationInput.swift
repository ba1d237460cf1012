import Foundation
import PrepCore
import PrepFormats

/// Where a record's image bytes come from.
public enum ValidationImageSource: @unchecked Sendable {
    /// The file, for the file cases.
    public var url: URL? {
        switch self {
        case let .file(u): return u
        case let .named(name, root): return name.hasPrefix("/") ? URL(fileURLWithPath: name) : root.appendingPathComponent(name)
        case .lmdb, .none: return nil
        }
    }

    /// A file (which may be missing).
    case file(URL)
    /// A file `name` under `root`, resolved only when it is opened (building a URL per label
    /// would cost more than all the label checks).
    case named(String, root: URL)
    /// Sample `index` of a recognition LMDB with images.
    case lmdb(RecogLMDBReader, index: Int)
    /// Not known (no image folder, or `--skip-images`).
    case none
}

/// A page image of a detection dataset, with the size its annotation records (nil when the
/// format has none). Its instances follow as `.instance` records with the same `key`.
public struct PageRecord: @unchecked Sendable {
    /// Unique within one input (a COCO image id, a line number).
    public var key: String
    public var name: String
    public var width: Int?
    public var height: Int?
    public var position: RecordPosition
    public var image: ValidationImageSource

    public init(key: String, name: String, width: Int?, height: Int?, position: RecordPosition, image: ValidationImageSource) {
        self.key = key; self.name = name; self.width = width; self.height = height
        self.position = position; self.image = image
    }
}

/// One text instance of page `pageKey`. `bbox` is the `[x, y, w, h]` the file records beside
/// the polygon, if any.
public struct InstanceRecord: Sendable {
    public var pageKey: String
    public var instance: TextInstance
    public var bbox: [Double]?
    public var position: RecordPosition

    public init(pageKey: String, instance: TextInstance, bbox: [Double]? = nil, position: RecordPosition) {
        self.pageKey = pageKey; self.instance = instance; self.bbox = bbox; self.position = position
    }
}

/// One recognition sample: a (cropped) image and its text.
public struct LabelRecord: @unchecked Sendable {
    public var imageName: String
    public var text: String
    public var position: RecordPosition
    public var image: ValidationImageSource

    public init(imageName: String, text: String, position: RecordPosition, image: ValidationImageSource) {
        self.imageName = imageName; self.text = text; self.position = position; self.image = image
    }
}

/// What an input yields, in file order.
public enum ValidationRecord: @unchecked Sendable {
    case page(PageRecord)
    case instance(InstanceRecord)
    case label(LabelRecord)
    /// A structure problem found while reading (the reader goes on where it can).
    case anomaly(AnomalyKind, RecordPosition, String)
    /// A record of a page of another shard that the reader saw to be plain without reading it
    /// whole (`forEach(shard:)`): counted, not checked.
    case elsewhere(RecordPosition)
}

/// A dataset file `prep validate` and `prep show` can read, streamed record by record with the
/// position of each. To add a format (MMOCR 1.x, PaddleOCR, …), implement this and list the
/// type in `ValidationInputs.all`; detection tries them in order.
public protocol ValidationInput {
    /// Short format name for summaries (`coco`, `labels-txt`, …).
    static var formatName: String { get }
    /// Whether `url` looks like this format (cheap: extension, first bytes).
    static func detect(_ url: URL) -> Bool
    /// Opens `url`; `images` is the folder image names are relative to (default: the file's
    /// folder). Errors here mean the input cannot be read at all.
    init(url: URL, images: URL?) throws
    /// Streams every record in file order.
    func forEach(_ body: (ValidationRecord) throws -> Void) throws
    /// The same for `prep validate --shard`: a reader may yield `.elsewhere` for a record of
    /// another shard's page that it can tell would yield exactly one record and no finding.
    func forEach(shard: Shard?, _ body: (ValidationRecord) throws -> Void) throws
}

extension ValidationInput {
    public func forEach(shard: Shard?, _ body: (ValidationRecord) throws -> Void) throws { try forEach(body) }
}

/// The known inputs and detection.
public enum ValidationInputs {
    public static let all: [ValidationInput.Type] = [LMDBValidationInput.self, FormatReaderValidationInput.self, COCOValidationInput.self, LabelFileValidationInput.self]

    /// Opens `url` with the first input that detects it; a usage error if none does.
    public static func open(_ url: URL, images: URL?) throws -> ValidationInput {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw PrepError.usage("\(url.path): no such file or LMDB")
        }
        for type in all where type.detect(url) { return try type.init(url: url, images: images) }
        throw PrepError.usage("\(url.path): not a format prep can validate (COCO JSON, MMOCR 1.x JSON, PaddleOCR labels, txt/jsonl labels, LMDB)")
    }

    /// The split an input belongs to: `NAME=PATH` names it, else the file name without a format
    /// prefix (`instances_`, `textdet_`, `det_gt_`, …), `_label(s)` and the extension (`instances_training.json` → `training`,
    /// `train_label.txt` → `train`, `val.lmdb` → `val`).
    public static func split(for argument: String) -> (split: String, path: String) {
        if let eq = argument.firstIndex(of: "="), !argument[..<eq].contains("/") {
            return (String(argument[..<eq]), String(argument[argument.index(after: eq)...]))
        }
        var name = URL(fileURLWithPath: argument).deletingPathExtension().lastPathComponent
        for prefix in ["instances_", "textdet_", "textrecog_", "textspotting_", "det_gt_", "rec_gt_", "coco_"] where name.hasPrefix(prefix) {
            name.removeFirst(prefix.count)
            break
        }
        for suffix in ["_labels", "_label", "_gt"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        return (name.isEmpty ? "data" : name, argument)
    }

    /// An image named in a file: absolute names as they are, others under `root`.
    static func resolve(_ name: String, under root: URL) -> ValidationImageSource {
        .named(name, root: root)
    }
}
