import Foundation
import PrepCore
import PrepFormats

/// A recognition LMDB that stores its images (`image-%09d` + `label-%09d`, what `prep lmdb`,
/// MMOCR and the clovaai benchmark write). Labels are read once when opened; images on demand,
/// from any thread (LMDB read transactions are per call).
public final class RecogLMDBSource: RecogSampleSource, @unchecked Sendable {
    public let reader: RecogLMDBReader
    public let origin: String
    private let items: [RecogItem]

    /// Opens `url`; a database without images (label-only, deprecated txt2lmdb) is refused here
    /// — `RecogDataSources.open` reads those through their image folder.
    public init(url: URL) throws {
        reader = try RecogLMDBReader(url: url)
        origin = url.path
        guard reader.layout == .images else {
            throw PrepError.usage("\(url.path) holds no images (\(reader.layout.rawValue)); open it with its image folder")
        }
        var items: [RecogItem] = []
        items.reserveCapacity(reader.count)
        let parser = try LineJsonParser()
        for k in 0..<reader.count {
            let key = String(decoding: RecogLMDBKeys.label(k + 1), as: UTF8.self)
            let line = try reader.line(at: k)
            let text = try parser.parse(line)["text"]?.string ?? ""
            items.append(RecogItem(name: RecogLMDBReader.imageKey(k), text: text, location: "\(url.path) \(key)"))
        }
        self.items = items
    }

    public var count: Int { items.count }
    public func item(at index: Int) -> RecogItem { items[index] }
    public func imageBytes(at index: Int) throws -> [UInt8] { try reader.image(at: index) }
}
