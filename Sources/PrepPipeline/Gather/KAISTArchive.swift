import Foundation
import PrepCore

/// The KAIST Scene Text download as it comes: `KAIST/{English,Korean,Mixed}/{Digital_Camera,
/// Mobile_Phone}/*.zip`, each zip holding images with one XML each. MMOCR's `extract_kaist.py`
/// extracts every zip, **deletes it**, moves each parseable XML that has a sibling `.jpg`/`.JPG`
/// to `annotations/NNNNN.xml` and the image to `imgs/NNNNN.jpg` (one 5-digit counter from 0), then
/// deletes `KAIST/`. This reads the zips in place (libzip) and writes the same numbered files into
/// a folder of prep's choosing, leaving the download untouched; what the reference drops silently
/// (unparseable XML, XML without image, a file that is not a zip) is reported.
///
/// Order: folders as the reference walks them, zips and members in byte order of their names
/// (the reference uses `os.listdir` order, which depends on the file system).
public struct KAISTArchive {
    static let languages = ["English", "Korean", "Mixed"]
    static let cameras = ["Digital_Camera", "Mobile_Phone"]

    /// The `KAIST/` folder of the download.
    public let folder: URL

    /// The download under `root` (`root/KAIST/`, or `root` itself when it holds the language
    /// folders), or nil when there is none.
    public init?(root: URL) {
        func isFolder(_ url: URL) -> Bool {
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
        }
        let nested = root.appendingPathComponent("KAIST")
        if isFolder(nested) {
            folder = nested
        } else if Self.languages.contains(where: { isFolder(root.appendingPathComponent($0)) }) {
            folder = root
        } else {
            return nil
        }
    }

    /// What an extraction gave.
    public struct Summary {
        public var zips = 0
        public var pairs = 0
    }

    /// Writes `imgs/NNNNN.jpg` and `annotations/NNNNN.xml` under `destination`; problems go to
    /// `skip(file, reason)`.
    public func extract(into destination: URL, skip: (String, String) -> Void) throws -> Summary {
        let fm = FileManager.default
        let imgs = destination.appendingPathComponent("imgs"), anns = destination.appendingPathComponent("annotations")
        try fm.createDirectory(at: imgs, withIntermediateDirectories: true)
        try fm.createDirectory(at: anns, withIntermediateDirectories: true)
        var summary = Summary()
        for language in Self.languages {
            for camera in Self.cameras {
                let dir = folder.appendingPathComponent(language).appendingPathComponent(camera)
                guard let names = try? fm.contentsOfDirectory(atPath: dir.path) else { continue }
                for name in sortedByUTF8(names) {
                    let zipURL = dir.appendingPathComponent(name)
                    let archive: ZipArchive
                    do { archive = try ZipArchive(url: zipURL) } catch {
                        skip(zipURL.path, "not a zip archive; left out (extract_kaist.py stops on it)"); continue
                    }
                    summary.zips += 1
                    try extract(archive, zipPath: zipURL.path, imgs: imgs, anns: anns, summary: &summary, skip: skip)
                }
            }
        }
        return summary
    }

    /// One zip: its top-level members ending in `xml` (what `os.listdir` of the extracted folder
    /// shows), each with the image member named as `file.replace('xml', 'JPG'|'jpg')`. Images no
    /// XML claims and members in sub-folders (which the reference never looks at) are reported.
    func extract(_ archive: ZipArchive, zipPath: String, imgs: URL, anns: URL, summary: inout Summary,
                 skip: (String, String) -> Void) throws {
        let files = archive.members.filter { !$0.isDirectory }
        let top = files.filter { !$0.rawName.contains(UInt8(ascii: "/")) }
        let nested = files.count - top.count
        if nested > 0 {
            skip(zipPath, "\(nested) member(s) in sub-folders not read (extract_kaist.py takes the top level only)")
        }
        let byName = Dictionary(top.map { ($0.rawName, $0) }, uniquingKeysWith: { first, _ in first })
        var claimed = Set<[UInt8]>()
        defer {
            for m in top where !claimed.contains(m.rawName) && ["jpg", "JPG"].contains(where: { m.rawName.ends(with: Array(".\($0)".utf8)) }) {
                skip("\(zipPath): \(m.name)", "no XML names this image; left out")
            }
        }
        let xml = Array("xml".utf8)
        for member in top.sorted(by: { $0.rawName.lexicographicallyPrecedes($1.rawName) }) where member.rawName.ends(with: xml) {
            let location = "\(zipPath): \(member.name)"
            let data: [UInt8]
            do {
                data = try archive.read(member)
                _ = try XMLTree.parse(data: data, path: location)
            } catch let e as PrepError {
                skip(location, "\(Self.reason(e)); left out (extract_kaist.py drops it silently)"); continue
            }
            // The reference tries `jpg` then `JPG` and keeps the last that exists.
            let candidates = ["JPG", "jpg"].map { member.rawName.replacingAll(xml, with: Array($0.utf8)) }
            guard let image = candidates.lazy.compactMap({ byName[$0] }).first else {
                skip(location, "no image member \(candidates.map { String(decoding: $0, as: UTF8.self) }.reversed().joined(separator: " or ")); left out (extract_kaist.py drops it silently)")
                continue
            }
            claimed.insert(image.rawName)
            let bytes: [UInt8]
            do { bytes = try archive.read(image) } catch let e as PrepError {
                skip("\(zipPath): \(image.name)", Self.reason(e)); continue
            }
            let stem = String(format: "%05d", summary.pairs)
            try write(data, to: anns.appendingPathComponent(stem + ".xml"))
            try write(bytes, to: imgs.appendingPathComponent(stem + ".jpg"))
            summary.pairs += 1
        }
    }

    func write(_ bytes: [UInt8], to url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: Data(bytes)) else {
            throw PrepError.io(path: url.path, reason: "cannot write the extracted file")
        }
    }

    static func reason(_ e: PrepError) -> String {
        switch e {
        case let .input(_, line, reason): return line.map { "line \($0): \(reason)" } ?? reason
        case let .io(_, reason), let .image(_, reason): return reason
        default: return e.description
        }
    }
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }

    /// Python's `bytes.replace(old, new)`: every non-overlapping occurrence, left to right.
    func replacingAll(_ old: [UInt8], with new: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < count {
            if i + old.count <= count && Array(self[i..<(i + old.count)]) == old {
                out += new; i += old.count
            } else {
                out.append(self[i]); i += 1
            }
        }
        return out
    }
}
