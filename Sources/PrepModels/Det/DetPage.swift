import Foundation
import PrepCore
import PrepFormats

/// One page of detection data: the image file and its text polygons in the stored pixel grid
/// (EXIF orientation not applied: prep's default policy, and MMOCR's
/// `color_ignore_orientation`).
public struct DetPage: Sendable {
    /// The image's name as the annotation writes it (predictions and reports use it).
    public var name: String
    public var url: URL
    /// Flat `[x1, y1, …]` polygons.
    public var polygons: [[Double]]
    /// Do-not-care (`###`) regions: masked out of the loss, not scored.
    public var ignored: [Bool]
    /// Where the page came from, for messages (`file data_list[3]`, `file:12`).
    public var location: String

    public init(name: String, url: URL, polygons: [[Double]], ignored: [Bool], location: String) {
        self.name = name
        self.url = url
        self.polygons = polygons
        self.ignored = ignored
        self.location = location
    }

    /// Reads the pages of any detection annotation prep reads (COCO 0.x, standard COCO, MMOCR
    /// 1.x, PaddleOCR, line-JSON, …; format detected). Image paths resolve as every prep reader
    /// resolves them: under `images` when given, else beside the annotation file. Records that
    /// cannot be read, and polygons with fewer than 3 points, odd coordinate counts or
    /// non-finite or absurd (beyond ±1e6) values, go to `skipped` with where and why (the rest of the page is kept).
    public static func read(_ url: URL, images: URL?) throws -> (pages: [DetPage], skipped: [(location: String, reason: String)]) {
        let found = try AnnotationFormat.detect(url)
        let reader = try found.format.open(url)
        guard reader.kind == .detection else {
            throw PrepError.usage("\(url.path) holds recognition labels (\(found.format.rawValue)); a detector trains on detection annotations (pages with polygons)")
        }
        let root = images ?? url.deletingLastPathComponent()
        var pages: [DetPage] = []
        var skipped: [(location: String, reason: String)] = []
        try reader.forEach(skipped: { skipped.append(("\(url.path)", "\($0)")) }) { record in
            var polygons: [[Double]] = [], ignored: [Bool] = []
            for (k, inst) in record.instances.enumerated() {
                let p = inst.polygon
                // (Coordinates beyond a million pixels are no page's: they would overflow integer grids.)
                if p.count < 6 || p.count % 2 != 0 || p.contains(where: { !$0.isFinite || abs($0) > 1e6 }) {
                    skipped.append(("\(record.location) instance \(k + 1)", "polygon with \(p.count) values (needs ≥ 3 finite points within ±1e6); left out"))
                    continue
                }
                polygons.append(p)
                ignored.append(inst.ignore)
            }
            pages.append(DetPage(name: record.imagePath, url: root.appendingPathComponent(record.imagePath), polygons: polygons,
                                 ignored: ignored, location: record.location.description))
        }
        return (pages, skipped)
    }

    /// The pages to run a detector on: image files (in the order given), folders (their images,
    /// recursively, sorted by relative path) and detection annotations (their pages, images
    /// resolved as `read` does; their polygons are kept but not used).
    public static func gather(_ paths: [String], images: URL?) throws -> (pages: [DetPage], skipped: [(location: String, reason: String)]) {
        var pages: [DetPage] = []
        var skipped: [(location: String, reason: String)] = []
        let fm = FileManager.default
        for p in paths {
            let url = URL(fileURLWithPath: p)
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else { throw PrepError.io(path: p, reason: "no such file or folder") }
            if isDir.boolValue {
                for (name, f) in try RecogDataSources.folderImages(url) {
                    pages.append(DetPage(name: name, url: f, polygons: [], ignored: [], location: f.path))
                }
            } else if RecogDataSources.imageExtensions.contains(url.pathExtension.lowercased()) {
                pages.append(DetPage(name: url.relativePath, url: url, polygons: [], ignored: [], location: url.path))
            } else {
                let r = try read(url, images: images)
                pages += r.pages
                skipped += r.skipped
            }
        }
        return (pages, skipped)
    }
}
