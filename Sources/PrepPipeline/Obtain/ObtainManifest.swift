import Foundation
import PrepCore

/// `ROOT/.archives/obtained.json`: the files a run laid out, with the checksum they had and
/// where they went, so a later run (or `prep zoo NAME --root ROOT`) knows them done even when
/// the archive was removed afterwards.
public struct ObtainManifest: Sendable {
    public struct Entry: Sendable {
        public var name: String
        public var checksum: String?
        public var destinations: [String]
        public var files: Int
        public var bytes: Int64
    }

    public var entries: [String: Entry] = [:]

    public static func url(root: URL) -> URL { root.appendingPathComponent(".archives/obtained.json") }

    /// Reads the manifest (absent or unreadable: empty, so the files are simply checked again).
    public static func read(root: URL) -> ObtainManifest {
        var m = ObtainManifest()
        guard case .success(let bytes) = FileBytes.read(url(root: root).path),
              let value = try? JSONReader.parse(bytes), let files = value["files"]?.array else { return m }
        for f in files {
            guard let name = f["name"]?.string else { continue }
            m.entries[name] = Entry(name: name, checksum: f["checksum"]?.string,
                                    destinations: f["destinations"]?.array?.compactMap(\.string) ?? [],
                                    files: Self.count(f["files"]), bytes: Int64(Self.count(f["bytes"])))
        }
        return m
    }

    /// A count the manifest recorded; 0 (check the file again) for anything but a whole number
    /// that fits, as for a manifest that cannot be read.
    private static func count(_ v: JSONValue?) -> Int {
        guard let d = v?.number, d.isFinite, d >= 0, d < 9e15 else { return 0 }
        return Int(d)
    }

    /// Whether `item` was laid out from a file with its current checksum and all its
    /// destinations still exist under `root`.
    public func isLaidOut(_ item: ObtainItem, root: URL) -> Bool {
        guard let e = entries[item.name], e.checksum == item.checksum.map({ "\($0.algorithm.rawValue):\($0.hex)" }) else { return false }
        return e.destinations.allSatisfy { FileManager.default.fileExists(atPath: root.appendingPathComponent($0).path) }
    }

    /// Writes the manifest atomically (staged, renamed into place).
    public func write(root: URL) throws {
        let files: [JSONValue] = entries.keys.sorted().map { k in
            let e = entries[k]!
            return .object([("name", .string(e.name)), ("checksum", e.checksum.map(JSONValue.string) ?? .null),
                            ("destinations", .array(e.destinations.map(JSONValue.string))),
                            ("files", .int(e.files)), ("bytes", .int(Int(e.bytes)))])
        }
        let staging = try OutputStaging(directory: root.appendingPathComponent(".archives"))
        let out = try staging.url(for: "obtained.json")
        try Data(PyJSON(ensureASCII: false).encode(.object([("version", .int(1)), ("files", .array(files))]))).write(to: out)
        try staging.commit()
    }
}
