import Foundation
import PrepCore
import PrepFormats

/// A recognition LMDB (label-only, with images, or the deprecated txt2lmdb layout), read as
/// MMOCR's loader reads it. `num-samples` is checked against the keys: a `label-N` beyond the
/// count, or one missing within it, is `num-samples-mismatch`.
public struct LMDBValidationInput: ValidationInput {
    public static let formatName = "lmdb"
    let url: URL
    /// Label-only databases name images elsewhere: checked only when a folder is given.
    let imageRoot: URL?

    /// A directory holding `data.mdb`, or an `.mdb` file (any other folder is not an input).
    public static func detect(_ url: URL) -> Bool {
        guard AnnFileLoader.isLMDB(url) else { return false }
        return url.pathExtension == "mdb" || FileManager.default.fileExists(atPath: url.appendingPathComponent("data.mdb").path)
    }

    public init(url: URL, images: URL?) throws {
        self.url = url
        imageRoot = images
    }

    public func forEach(_ body: (ValidationRecord) throws -> Void) throws {
        let file = url.path
        let reader: RecogLMDBReader
        do { reader = try RecogLMDBReader(url: url) } catch let e as PrepError {
            if case let .input(_, _, reason) = e {
                try body(.anomaly(.parseError, RecordPosition(file: file, item: "num-samples"), reason)); return
            }
            throw e
        }
        if reader.layout != .deprecated {
            let extra = try reader.environment.read { r in try r.get(RecogLMDBKeys.label(reader.count + 1)) != nil }
            if extra {
                try body(.anomaly(.numSamplesMismatch, RecordPosition(file: file, item: "num-samples"),
                                  "num-samples is \(reader.count) but label-\(reader.count + 1) exists: samples beyond the count are never read"))
            }
        }
        for i in 0..<reader.count {
            let key = reader.layout == .deprecated ? String(i) : String(decoding: RecogLMDBKeys.label(i + 1), as: UTF8.self)
            let p = RecordPosition(file: file, item: key)
            let line: String
            do { line = try reader.line(at: i) } catch let e as PrepError {
                guard case let .input(_, _, reason) = e else { throw e }
                try body(.anomaly(reason.hasPrefix("missing key") ? .numSamplesMismatch : .parseError, p, reason))
                continue
            }
            guard case let .object(pairs)? = try? JSONReader.parse(line) else {
                try body(.anomaly(.parseError, p, "the value is not a JSON object")); continue
            }
            guard let name = pairs.first(where: { $0.0 == "filename" })?.1.string else {
                try body(.anomaly(.missingKey, p, "key \"filename\" is missing or not a string")); continue
            }
            guard let text = pairs.first(where: { $0.0 == "text" })?.1.string else {
                try body(.anomaly(.missingKey, p, "key \"text\" is missing or not a string")); continue
            }
            let source: ValidationImageSource = reader.layout == .images ? .lmdb(reader, index: i)
                : imageRoot.map { ValidationInputs.resolve(name, under: $0) } ?? .none
            var lp = p
            if reader.layout == .images { lp.item = name }
            try body(.label(LabelRecord(imageName: name, text: text, position: lp, image: source)))
        }
    }
}
