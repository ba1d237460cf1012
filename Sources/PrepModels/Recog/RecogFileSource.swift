import Foundation
import PrepCore
import PrepFormats

/// Word images in a folder named by a recognition label file (MMOCR 0.x txt/jsonl, PaddleOCR
/// `rec_gt`, MMOCR 1.x `textrecog`) or by a label-only LMDB; image names are relative to
/// `images`. Records that cannot be read are kept in `unreadable` (location + reason) for the
/// caller's report.
public final class RecogFileSource: RecogSampleSource, @unchecked Sendable {
    public let origin: String
    public let images: URL
    private let items: [RecogItem]
    public private(set) var unreadable: [(location: String, reason: String)] = []
    private let root: Int32

    public init(url: URL, format: AnnotationFormat, images: URL) throws {
        origin = url.path
        self.images = images
        let reader = try format.open(url)
        guard reader.kind == .recognition else {
            throw PrepError.usage("\(url.path) is a detection file (\(format.rawValue)); crops are cut from it only with its image folder (--images)")
        }
        var items: [RecogItem] = []
        var bad: [(String, String)] = []
        try reader.forEach(skipped: { e in bad.append((Self.location(of: e), Self.reason(of: e))) }) { r in
            items.append(RecogItem(name: r.imagePath, text: r.text ?? "", location: r.location.description))
        }
        self.items = items
        unreadable = bad
        root = open(images.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard root >= 0 else { throw PrepError.io(path: images.path, reason: "cannot open the image folder") }
    }

    deinit { close(root) }

    public var count: Int { items.count }
    public func item(at index: Int) -> RecogItem { items[index] }

    public func imageBytes(at index: Int) throws -> [UInt8] {
        let name = items[index].name
        switch FileBytes.read(name, relativeTo: root) {
        case let .success(b): return b
        case let .failure(f): throw PrepError.image(path: images.appendingPathComponent(name).path, reason: f.reason)
        }
    }

    static func location(of e: PrepError) -> String {
        switch e {
        case let .input(file, line, _): return line.map { "\(file):\($0)" } ?? file
        case let .io(path, _), let .image(path, _): return path
        default: return ""
        }
    }

    static func reason(of e: PrepError) -> String {
        switch e {
        case let .input(_, _, r), let .io(_, r), let .image(_, r): return r
        default: return e.description
        }
    }
}
