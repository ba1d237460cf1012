import Foundation
import PrepCore

/// MMOCR's `LmdbAnnFileBackend` over `RecogLMDBReader`: lines are the JSON lines the reference
/// hands its parser (label-only values verbatim; `{"filename": "image-N", "text": …}` when the
/// database holds images; the deprecated `total_number` layout converted as the reference does).
public final class LMDBAnnFile: AnnFileBackend, @unchecked Sendable {
    public let reader: RecogLMDBReader
    public var source: String { reader.environment.path.path }
    public var isLMDB: Bool { true }
    public var count: Int { reader.count }

    public init(url: URL) throws { reader = try RecogLMDBReader(url: url) }

    public func line(at index: Int) throws -> String { try reader.line(at: index) }

    public func location(of index: Int) -> String {
        "\(source) key " + (reader.layout == .deprecated ? String(index) : String(decoding: RecogLMDBKeys.label(index + 1), as: UTF8.self))
    }
}
