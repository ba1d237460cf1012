import Foundation
import PrepCore

/// A large JSON file kept as bytes with an index of its top-level members (and, on request, of
/// the members of one of them), so entries are parsed one at a time: memory is the file plus a
/// small index instead of the whole parsed tree (several times the file). Shared read-only by
/// the workers that parse entries.
public final class IndexedJSONFile: @unchecked Sendable {
    public let url: URL
    let bytes: [UInt8]
    /// Top-level members by key (the last of a repeated key, as `json.loads`).
    public let top: [String: Range<Int>]

    public init(_ url: URL) throws {
        self.url = url
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw PrepError.io(path: url.path, reason: "cannot read the file")
        }
        bytes = [UInt8](data)
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let members: [(key: String, value: Range<Int>)]
        do { members = try JSONReader.members(bytes, range: start..<bytes.count) } catch let e as JSONReader.Failure {
            throw PrepError.input(file: url.path, line: nil, reason: "not valid JSON or not an object at the top level: \(e)")
        }
        var top: [String: Range<Int>] = [:]
        for m in members { top[m.key] = m.value }
        self.top = top
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
