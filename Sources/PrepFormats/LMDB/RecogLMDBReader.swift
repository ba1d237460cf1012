import Foundation
import PrepCore

/// Reads a recognition LMDB as MMOCR's `LmdbAnnFileBackend` does: the sample count from
/// `num-samples` (or, in the deprecated txt2lmdb layout, from `total_number`), label-only when
/// `image-000000001` is absent, and each sample as the JSON line the reference hands its parser.
/// Problems (a missing count or key, a damaged file, a value that is not UTF-8) are errors that
/// name the database and the key.
public final class RecogLMDBReader: @unchecked Sendable {
    /// Which layout the database uses.
    public enum Layout: String, Sendable {
        /// `label-N` values are JSON lines (`{"filename": …, "text": …}`), no images.
        case labelOnly = "label-only"
        /// `image-N` holds image bytes and `label-N` the plain text.
        case images
        /// txt2lmdb: lines under `0` … `total_number − 1`.
        case deprecated
    }

    public let environment: LMDBEnvironment
    public let count: Int
    public let layout: Layout
    private var name: String { environment.path.path }

    public init(url: URL) throws {
        environment = try LMDBEnvironment(readingAt: url)
        let path = url.path
        (count, layout) = try environment.read { r -> (Int, Layout) in
            let n: Int
            let deprecated: Bool
            if let v = try r.get(RecogLMDBKeys.numSamples) {
                n = try RecogLMDBReader.parseCount(v, key: RecogLMDBKeys.numSamples, file: path)
                deprecated = false
            } else if let v = try r.get(RecogLMDBKeys.totalNumber) {
                n = try RecogLMDBReader.parseCount(v, key: RecogLMDBKeys.totalNumber, file: path)
                deprecated = true
            } else {
                throw PrepError.input(file: path, line: nil,
                                      reason: "not a recognition LMDB: neither 'num-samples' nor the deprecated 'total_number' key is present")
            }
            if deprecated { return (n, .deprecated) }
            return (n, try r.get(RecogLMDBKeys.image(1)) == nil ? .labelOnly : .images)
        }
    }

    static func parseCount(_ v: [UInt8], key: String, file: String) throws -> Int {
        // Python's int() accepts surrounding whitespace.
        let s = String(decoding: v, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        guard let n = Int(s), n >= 0 else {
            throw PrepError.input(file: file, line: nil, reason: "'\(key)' is not a sample count: \(PyJSON(ensureASCII: false).string(.string(s)))")
        }
        return n
    }

    private func text(_ bytes: [UInt8], key: String) throws -> String {
        guard let s = String(validating: bytes, as: UTF8.self) else {
            let bad = bytes.firstIndex(where: { $0 >= 0x80 }) ?? 0
            throw PrepError.input(file: name, line: nil, reason: "value of '\(key)' is not valid UTF-8 (byte \(bad + 1))")
        }
        return s
    }

    private func required(_ r: LMDBEnvironment.Reader, _ key: [UInt8]) throws -> [UInt8] {
        guard let v = try r.get(key) else {
            let k = String(decoding: key, as: UTF8.self)
            throw PrepError.input(file: name, line: nil,
                                  reason: "missing key '\(k)' (the database says it holds \(count) samples)")
        }
        return v
    }

    private func checkIndex(_ index: Int) throws {
        guard index >= 0 && index < count else {
            throw PrepError.usage("sample index \(index) is out of range (0..<\(count))")
        }
    }

    /// The line for 0-based `index`, exactly as MMOCR's backend returns it.
    public func line(at index: Int) throws -> String {
        try checkIndex(index)
        return try environment.read { r in
            switch layout {
            case .labelOnly:
                return try text(required(r, RecogLMDBKeys.label(index + 1)), key: "label-\(index + 1)")
            case .images:
                let label = try text(required(r, RecogLMDBKeys.label(index + 1)), key: "label-\(index + 1)")
                let key = String(decoding: RecogLMDBKeys.image(index + 1), as: UTF8.self)
                return PyJSON(ensureASCII: false).string(.object([("filename", .string(key)), ("text", .string(label))]))
            case .deprecated:
                let key = String(index)
                return RecogLMDBReader.deprecatedLine(try text(required(r, Array(key.utf8)), key: key))
            }
        }
    }

    /// txt2lmdb lines: `strip('/n')` (the reference strips the characters '/' and 'n', not
    /// newlines) then `split(' ')`; four fields become a det JSON line, two a recognition one,
    /// anything else passes through unchanged.
    static func deprecatedLine(_ value: String) -> String {
        let stripped = PyString.strip(value, chars: "/n")
        let parts = PyString.split(stripped, separator: " ")
        let json = PyJSON(ensureASCII: false)
        if parts.count == 4 {
            return json.string(.object(zip(["filename", "height", "width", "annotations"], parts).map { ($0, .string($1)) }))
        }
        if parts.count == 2 {
            return json.string(.object([("filename", .string(parts[0])), ("text", .string(parts[1]))]))
        }
        return value
    }

    /// The image bytes of 0-based `index` (databases with images only).
    public func image(at index: Int) throws -> [UInt8] {
        try checkIndex(index)
        guard layout == .images else { throw PrepError.usage("\(name) holds no images (\(layout.rawValue))") }
        return try environment.read { r in try required(r, RecogLMDBKeys.image(index + 1)) }
    }

    /// The image key of 0-based `index`, `image-000000001` for 0.
    public static func imageKey(_ index: Int) -> String { String(decoding: RecogLMDBKeys.image(index + 1), as: UTF8.self) }
}
