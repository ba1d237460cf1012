import Foundation
import PrepCore
import PrepFormats

/// `prep show`: a static HTML gallery of one input — page images with their polygons drawn
/// (ignored instances dashed, in another colour) and transcriptions listed, recognition crops
/// with their labels, and `prep validate`'s anomalies linked to the items that show them.
/// Pictures are prep's own thumbnails (decode, draw, encode JPEG); no server, no script needed
/// to view (one tiny inline script only counts loaded images for tests).
public struct Gallery {
    public struct Options {
        public var images: URL?
        /// Items shown at most.
        public var limit = 200
        public var perPage = 50
        /// Only items with an anomaly, or only the images a list names.
        public var only: Filter?
        public var thumbnailSide = 640
        public var validation = Validator.Options()
        public init() {}
    }

    /// Which items `--only` keeps.
    public enum Filter: Sendable {
        /// Items with this `prep validate` anomaly.
        case anomaly(AnomalyKind)
        /// Items whose image the list file names (one name per line, as `prep eval --worst-out`
        /// writes them), as the input names it.
        case names(Set<String>, file: String)

        /// Reads a name list: one image name per line, blank lines skipped.
        public static func names(in url: URL) throws -> Filter {
            let lines = try LineReader.readAll(url).map(\.text).filter { !$0.allSatisfy(\.isWhitespace) }
            return .names(Set(lines), file: url.path)
        }
    }

    /// One picture in the gallery: a page with instances, or a crop with its label.
    struct Item {
        var name: String
        var position: RecordPosition
        var source: ValidationImageSource
        var instances: [TextInstance] = []
        var label: String?
        var anomalies: [Anomaly] = []
    }

    public struct Result {
        public var items: Int
        public var pages: Int
        public var instances: Int
        public var errors: Int
        public var warnings: Int
        /// Names of an `--only` list the input does not hold.
        public var unmatchedNames = 0
        /// The validation behind the anomaly list (for `--report`).
        public var validator: Validator
    }

    let options: Options
    public init(options: Options) { self.options = options }

    /// Writes the gallery for `path` into `out` (created; files there are overwritten).
    public func write(path: String, split: String, to out: URL) throws -> Result {
        let url = URL(fileURLWithPath: path)
        // The anomalies first (one pass), so items can be filtered and linked.
        let validator = Validator(options: options.validation)
        try validator.validate(ValidationInputs.open(url, images: options.images), path: path, split: split)
        validator.finish()
        var byImage: [String: [Anomaly]] = [:]
        for a in validator.anomalies { if let i = a.image { byImage[i, default: []].append(a) } }
        // Then the items, up to the limit (instances only for pages kept).
        var items: [Item] = []
        var index: [String: Int] = [:]
        var listed = Set<String>()
        let wanted: (String) -> Bool = { name in
            switch options.only {
            case nil: return true
            case let .anomaly(kind): return byImage[name]?.contains { $0.kind == kind } ?? false
            case let .names(names, _):
                guard names.contains(name) else { return false }
                listed.insert(name)
                return true
            }
        }
        try ValidationInputs.open(url, images: options.images).forEach { record in
            switch record {
            case let .page(p):
                guard items.count < options.limit, index[p.key] == nil, wanted(p.name) else { return }
                index[p.key] = items.count
                items.append(Item(name: p.name, position: p.position, source: p.image, anomalies: byImage[p.name] ?? []))
            case let .instance(r):
                if let i = index[r.pageKey] { items[i].instances.append(r.instance) }
            case let .label(l):
                guard items.count < options.limit, wanted(l.imageName) else { return }
                items.append(Item(name: l.imageName, position: l.position, source: l.image, label: l.text,
                                  anomalies: (byImage[l.imageName] ?? []).filter { $0.position == l.position || $0.kind.category == "images" }))
            case .anomaly, .elsewhere:
                break
            }
        }
        let fm = FileManager.default
        try fm.createDirectory(at: out.appendingPathComponent("thumbs"), withIntermediateDirectories: true)
        let pageCount = max(1, (items.count + options.perPage - 1) / options.perPage)
        var itemPage: [String: (page: Int, id: Int)] = [:]
        for (k, item) in items.enumerated() where itemPage[item.name] == nil { itemPage[item.name] = (k / options.perPage, k) }
        // Thumbnails in parallel, written in order.
        var thumbs: [String?] = Array(repeating: nil, count: items.count)
        OrderedParallel.forEach(Array(items.enumerated()), workers: options.validation.workers, transform: { k, item in
            self.thumbnail(item).map { (k, $0) }
        }, consume: { _, r in
            guard let (k, bytes) = r else { return }
            let name = String(format: "thumbs/%06d.jpg", k)
            if (try? Data(bytes).write(to: out.appendingPathComponent(name))) != nil { thumbs[k] = name }
        })
        let html = GalleryHTML(title: path, pageCount: pageCount)
        for p in 0..<pageCount {
            let slice = Array(items.enumerated()).dropFirst(p * options.perPage).prefix(options.perPage)
            let body = slice.map { k, item in html.item(item, id: k, thumb: thumbs[k]) }.joined(separator: "\n")
            try html.page(number: p, body: body).write(to: out.appendingPathComponent(GalleryHTML.pageFile(p)), atomically: true, encoding: .utf8)
        }
        let instances = items.reduce(0) { $0 + $1.instances.count }
        var result = Result(items: items.count, pages: pageCount, instances: instances,
                            errors: validator.errorCount, warnings: validator.warningCount, validator: validator)
        if case let .names(names, _) = options.only { result.unmatchedNames = names.subtracting(listed).count }
        try html.index(validator: validator, result: result, itemPage: itemPage, only: options.only)
            .write(to: out.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        return result
    }

    /// A JPEG thumbnail with the item's polygons drawn, or nil when the image cannot be read.
    func thumbnail(_ item: Item) -> [UInt8]? {
        let bytes: [UInt8]
        switch item.source {
        case .none: return nil
        case .file, .named: guard case let .success(b) = FileBytes.read(item.source.url!.path) else { return nil }; bytes = b
        case let .lmdb(reader, i): guard let b = try? reader.image(at: i) else { return nil }; bytes = b
        }
        guard let full = try? ImageCodec.decode(bytes, name: item.name) else { return nil }
        let side = item.label == nil ? options.thumbnailSide : 256
        var small = full.bgr().downscaled(maxSide: side)
        let sx = Double(small.width) / Double(full.width), sy = Double(small.height) / Double(full.height)
        for inst in item.instances {
            var p = inst.polygon
            for j in stride(from: 0, to: p.count - 1, by: 2) { p[j] *= sx; p[j + 1] *= sy }
            // BGR: green for text, red dashed for do-not-care.
            small.drawPolygon(p, color: inst.ignore ? (40, 40, 230) : (60, 200, 60), thickness: 2, dashed: inst.ignore)
        }
        return try? ImageCodec.encodeJPEG(small, quality: 85)
    }
}
