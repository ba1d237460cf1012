import Foundation
import PrepCore
import PrepFormats

/// Opens whatever prep wrote as a `RecogSampleSource`: a recognition LMDB (with images, or
/// label-only / txt2lmdb with an image folder), a label file (txt, jsonl, PaddleOCR, MMOCR 1.x)
/// with its crop folder, a detection file whose words are cut on the fly (through `cropper`,
/// which the pipeline layer supplies), and — for inference — image files or a folder of crops
/// (no labels).
public struct RecogDataSources {
    /// Cuts the words of a detection annotation: (annotation, image folder) → a source.
    public typealias Cropper = (URL, URL) throws -> any RecogSampleSource

    public var images: URL?
    public var cropper: Cropper?
    /// Image files and plain folders are accepted (inference); training needs labels.
    public var allowUnlabelled: Bool

    public init(images: URL? = nil, cropper: Cropper? = nil, allowUnlabelled: Bool = false) {
        self.images = images
        self.cropper = cropper
        self.allowUnlabelled = allowUnlabelled
    }

    /// Records of a label file that could not be read, collected over every `open`.
    public private(set) var unreadable: [(location: String, reason: String)] = []

    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

    /// The source behind `path`.
    public mutating func open(_ path: String) throws -> any RecogSampleSource {
        let url = URL(fileURLWithPath: path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw PrepError.io(path: path, reason: "no such file or folder")
        }
        if isDir.boolValue && !FileManager.default.fileExists(atPath: url.appendingPathComponent("data.mdb").path) {
            guard allowUnlabelled else {
                throw PrepError.usage("\(path): a folder without data.mdb; training data is an LMDB, a label file or a detection file")
            }
            return try Self.folder(url)
        }
        if !isDir.boolValue && Self.imageExtensions.contains(url.pathExtension.lowercased()) {
            guard allowUnlabelled else { throw PrepError.usage("\(path): an image file has no label; training data is an LMDB, a label file or a detection file") }
            return Self.imageFiles([url], origin: path)
        }
        let format = try AnnotationFormat.detect(url).format
        if format == .lmdb {
            let reader = try RecogLMDBReader(url: url)
            if reader.layout == .images { return try RecogLMDBSource(url: url) }
            let source = try RecogFileSource(url: url, format: .lmdb, images: images ?? url.deletingLastPathComponent())
            unreadable += source.unreadable
            return source
        }
        let reader = try format.open(url)
        if reader.kind == .detection {
            guard let cropper else { throw PrepError.usage("\(path) is a detection file (\(format.rawValue)); cutting its words needs the pipeline's crop engine") }
            guard let images else { throw PrepError.usage("\(path) is a detection file (\(format.rawValue)): give --images DIR to cut its words from") }
            return try cropper(url, images)
        }
        let source = try RecogFileSource(url: url, format: format, images: images ?? url.deletingLastPathComponent())
        unreadable += source.unreadable
        return source
    }

    /// The images of a folder (recursively, sorted by relative path), unlabelled.
    static func folder(_ url: URL) throws -> any RecogSampleSource {
        let names = try folderImages(url)
        let items = names.map { RecogItem(name: $0.name, text: "", location: $0.url.path) }
        let urls = names.map(\.url)
        return ListRecogSource(origin: url.path, items: items) { i in try readFile(urls[i]) }
    }

    /// The image files under a folder (recursively), named by their path relative to it,
    /// sorted by that name.
    static func folderImages(_ url: URL) throws -> [(name: String, url: URL)] {
        guard let e = FileManager.default.enumerator(at: url, includingPropertiesForKeys: nil) else {
            throw PrepError.io(path: url.path, reason: "cannot list the folder")
        }
        var files: [URL] = []
        for case let f as URL in e where imageExtensions.contains(f.pathExtension.lowercased()) { files.append(f) }
        let base = url.standardizedFileURL.path
        return files.map { f -> (name: String, url: URL) in
            let p = f.standardizedFileURL.path
            return (p.hasPrefix(base + "/") ? String(p.dropFirst(base.count + 1)) : f.lastPathComponent, f)
        }.sorted { $0.name < $1.name }
    }

    /// Image files given one by one, named as given.
    public static func imageFiles(_ urls: [URL], origin: String) -> any RecogSampleSource {
        let items = urls.map { RecogItem(name: $0.relativePath, text: "", location: $0.path) }
        return ListRecogSource(origin: origin, items: items) { i in try readFile(urls[i]) }
    }

    static func readFile(_ url: URL) throws -> [UInt8] {
        switch FileBytes.read(url.path) {
        case let .success(b): return b
        case let .failure(f): throw PrepError.image(path: url.path, reason: f.reason)
        }
    }
}
