import Foundation
import PrepCore

/// MMOCR's `AnnFileLoader`: a backend (label file or LMDB) plus a parser, with `repeat`
/// oversampling. `count` is `Int(lines × repeat)` and item `i` is line `i mod lines`, parsed.
/// As in the reference, an LMDB can only be read with `LineJsonParser`.
public final class AnnFileLoader: @unchecked Sendable {
    public let backend: AnnFileBackend
    public let parser: AnnParser
    public let repeatFactor: Double

    public init(backend: AnnFileBackend, parser: AnnParser, repeat repeatFactor: Double = 1) throws {
        guard repeatFactor > 0, repeatFactor.isFinite else { throw PrepError.usage("repeat must be a positive number, not \(repeatFactor)") }
        if backend.isLMDB && parser is LineStrParser {
            throw PrepError.usage("an LMDB can only be read with LineJsonParser (its values are JSON lines), not LineStrParser")
        }
        self.backend = backend
        self.parser = parser
        self.repeatFactor = repeatFactor
    }

    /// Opens `url` as an LMDB when it is a directory holding `data.mdb` or an `.mdb` file, else
    /// as a label file.
    public convenience init(url: URL, parser: AnnParser, repeat repeatFactor: Double = 1) throws {
        try self.init(backend: AnnFileLoader.openBackend(url), parser: parser, repeat: repeatFactor)
    }

    /// The backend for `url`: LMDB or label file.
    public static func openBackend(_ url: URL) throws -> AnnFileBackend {
        isLMDB(url) ? try LMDBAnnFile(url: url) : try TextLineFile(url: url)
    }

    /// A directory (an LMDB is one) or a file ending in `.mdb`.
    public static func isLMDB(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else { return false }
        return isDir.boolValue || url.pathExtension == "mdb"
    }

    /// `Int(lines × repeat)`.
    public var count: Int { Int(Double(backend.count) * repeatFactor) }

    /// The parsed record of item `index` (taken modulo the number of lines, as the reference
    /// does). Errors name the file and line (or LMDB key).
    public func item(at index: Int) throws -> JSONValue {
        let n = backend.count
        guard n > 0 else { throw PrepError.input(file: backend.source, line: nil, reason: "no annotation lines") }
        let i = ((index % n) + n) % n
        let line = try backend.line(at: i)
        do { return try parser.parse(line) } catch let e as AnnParseError {
            throw PrepError.input(file: backend.location(of: i), line: nil, reason: e.reason)
        }
    }
}
