import Foundation
import CZip

/// A zip file opened read-only through libzip: its members' raw names and their bytes. Used to
/// read raw downloads that ship as archives (KAIST) without extracting them in place.
public final class ZipArchive {
    /// One member: its index, its name as stored (bytes; KAIST's names are not always UTF-8) and
    /// its uncompressed size.
    public struct Member: Sendable {
        public var index: UInt64
        public var rawName: [UInt8]
        public var size: UInt64
        /// The name for messages (invalid UTF-8 shown with replacement characters).
        public var name: String { String(decoding: rawName, as: UTF8.self) }
        /// A folder entry (`dir/`).
        public var isDirectory: Bool { rawName.last == UInt8(ascii: "/") }
    }

    public let url: URL
    let handle: OpaquePointer
    public let members: [Member]

    /// Opens `url`; a file that is not a zip (or is damaged) throws `PrepError.input`.
    public init(url: URL) throws {
        self.url = url
        close(try FileBytes.openInput(url).fd)   // regular files only
        var error: Int32 = 0
        guard let za = zip_open(url.path, ZIP_RDONLY, &error) else {
            var ze = zip_error_t()
            zip_error_init_with_code(&ze, error)
            defer { zip_error_fini(&ze) }
            throw PrepError.input(file: url.path, line: nil, reason: "cannot open as a zip archive (\(String(cString: zip_error_strerror(&ze))))")
        }
        handle = za
        var list: [Member] = []
        let count = zip_get_num_entries(za, 0)
        for i in 0..<UInt64(max(0, count)) {
            var st = zip_stat_t()
            zip_stat_init(&st)
            guard zip_stat_index(za, i, zip_flags_t(ZIP_FL_ENC_RAW), &st) == 0, let namePtr = st.name else { continue }
            let raw = Array(UnsafeBufferPointer(start: UnsafeRawPointer(namePtr).assumingMemoryBound(to: UInt8.self), count: strlen(namePtr)))
            list.append(Member(index: i, rawName: raw, size: st.size))
        }
        members = list
    }

    deinit { zip_discard(handle) }

    /// The uncompressed bytes of a member; a damaged member throws `PrepError.input`.
    public func read(_ member: Member) throws -> [UInt8] {
        guard let file = zip_fopen_index(handle, member.index, 0) else {
            throw PrepError.input(file: "\(url.path): \(member.name)", line: nil, reason: "cannot read the member (\(String(cString: zip_strerror(handle))))")
        }
        defer { zip_fclose(file) }
        let total = Int(member.size)
        var out = [UInt8](repeating: 0, count: total)
        var done = 0
        while done < total {
            let n = out.withUnsafeMutableBytes { zip_fread(file, $0.baseAddress! + done, UInt64(total - done)) }
            if n <= 0 {
                throw PrepError.input(file: "\(url.path): \(member.name)", line: nil, reason: "the member is damaged (\(String(cString: zip_file_strerror(file))))")
            }
            done += Int(n)
        }
        return out
    }
}

extension ZipArchive: ArchiveReading {
    /// Symbolic links are told by the Unix mode in the external attributes (what Info-ZIP
    /// writes); their target is the member's content.
    public func forEachEntry(_ body: (ArchiveEntry, ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws -> Void) throws {
        for m in members {
            var opsys: UInt8 = 0
            var attributes: UInt32 = 0
            var kind: ArchiveEntry.Kind = m.isDirectory ? .directory : .file
            if zip_file_get_external_attributes(handle, m.index, 0, &opsys, &attributes) == 0,
               UInt32(opsys) == ZIP_OPSYS_UNIX, (attributes >> 16) & 0o170000 == 0o120000 {
                kind = .symlink(target: String(decoding: try read(m), as: UTF8.self))
            }
            let entry = ArchiveEntry(path: m.name, kind: kind, declaredSize: Int64(clamping: m.size))
            try body(entry) { sink in try self.stream(m, into: sink) }
        }
    }

    /// Feeds a member's uncompressed bytes to `sink` in 1 MiB pieces, however large the member.
    public func stream(_ member: Member, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let file = zip_fopen_index(handle, member.index, 0) else {
            throw PrepError.input(file: "\(url.path): \(member.name)", line: nil, reason: "cannot read the member (\(String(cString: zip_strerror(handle))))")
        }
        defer { zip_fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { zip_fread(file, $0.baseAddress!, UInt64($0.count)) }
            if n == 0 { return }
            if n < 0 {
                throw PrepError.input(file: "\(url.path): \(member.name)", line: nil, reason: "the member is damaged (\(String(cString: zip_file_strerror(file))))")
            }
            try buffer.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[..<Int(n)])) }
        }
    }
}
