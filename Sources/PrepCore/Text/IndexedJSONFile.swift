import Foundation

import CZlib

/// A large JSON file kept as bytes with an index of its top-level members (and, on request, of
/// the members of one of them), so entries are parsed one at a time: memory is the file plus a
/// small index instead of the whole parsed tree (several times the file). Shared read-only by
/// the workers that parse entries.
public final class IndexedJSONFile: @unchecked Sendable {
    public let url: URL
    let bytes: [UInt8]
    /// Top-level members by key (the last of a repeated key, as `json.loads`).
    public let top: [String: Range<Int>]
    /// Top-level keys in file order (a repeated key where it first appears, as a Python dict).
    public let topKeys: [String]

    public init(_ url: URL) throws {
        self.url = url
        bytes = url.pathExtension == "gz" ? try Self.gunzip(url) : try Self.readAll(url)
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let members: [(key: String, value: Range<Int>)]
        do { members = try JSONReader.members(bytes, range: start..<bytes.count) } catch let e as JSONReader.Failure {
            throw PrepError.input(file: url.path, line: nil, reason: "not valid JSON or not an object at the top level: \(e)")
        }
        var top: [String: Range<Int>] = [:]
        var keys: [String] = []
        for m in members {
            if top[m.key] == nil { keys.append(m.key) }
            top[m.key] = m.value
        }
        self.top = top
        topKeys = keys
    }

    /// The whole file straight into one array (going through `Data` would hold it twice).
    public static func readAll(_ url: URL) throws -> [UInt8] { try FileBytes.readInput(url) }

    /// A gzip file, inflated into one array (HierText's official annotations are `.jsonl.gz`).
    static func gunzip(_ url: URL) throws -> [UInt8] {
        // gzread passes non-gzip bytes through: a device would never end.
        let opened = try FileBytes.openInput(url)
        close(opened.fd)
        guard let gz = gzopen(url.path, "rb") else { throw PrepError.io(path: url.path, reason: "cannot open the gzip file") }
        defer { gzclose(gz) }
        _ = gzbuffer(gz, 1 << 20)
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(gz, $0.baseAddress, UInt32($0.count)) }
            if n < 0 { throw PrepError.input(file: url.path, line: nil, reason: "not a valid gzip file") }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<Int(n)])
            if out.count > InputLimits.maxFileSize {
                throw PrepError.io(path: url.path, reason: "inflated, " + InputLimits.fileTooLarge(out.count))
            }
        }
        return out
    }

    /// The elements of the array at `range`, in order.
    public func elements(_ range: Range<Int>, _ what: String) throws -> [Range<Int>] {
        do { return try JSONReader.elements(bytes, range: range) } catch let e as JSONReader.Failure {
            throw PrepError.input(file: url.path, line: nil, reason: "'\(what)' is not a valid JSON array: \(e)")
        }
    }

    /// Whether the value at `range` is an empty list (`[]`, spaces allowed), without parsing it.
    public func isEmptyList(_ range: Range<Int>) -> Bool {
        let inner = bytes[range].filter { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        return inner == [0x5B, 0x5D]
    }

    /// The members of the object at `range`, in file order (`what` names it in errors).
    public func members(_ range: Range<Int>, _ what: String) throws -> [(key: String, value: Range<Int>)] {
        do { return try JSONReader.members(bytes, range: range) } catch let e as JSONReader.Failure {
            throw PrepError.input(file: url.path, line: nil, reason: "'\(what)' is not a valid JSON object: \(e)")
        }
    }

    /// The members of the object at `range` by key (the last of a repeated key).
    public func index(_ range: Range<Int>, _ what: String) throws -> [String: Range<Int>] {
        var d: [String: Range<Int>] = [:]
        let list = try members(range, what)
        d.reserveCapacity(list.count)
        for m in list { d[m.key] = m.value }
        return d
    }

    /// The value at `range`, parsed.
    public func value(_ range: Range<Int>) throws -> JSONValue {
        do { return try JSONReader.parse(bytes, range: range) } catch let e as JSONReader.Failure {
            throw PrepError.input(file: url.path, line: nil, reason: "not valid JSON: \(e)")
        }
    }
}
