import Foundation
import CArchive

/// A tar file (plain, gzip, bzip2 or xz compressed) read through libarchive, the kept
/// implementation Debian ships (`libarchive-dev`), one member at a time.
public final class TarArchive: ArchiveReading {
    public let url: URL

    /// Checks that libarchive can open `url` as a tar; the members are read by `forEachEntry`.
    public init(url: URL) throws {
        self.url = url
        let a = try Self.open(url)
        archive_read_free(a)
    }

    private static func open(_ url: URL) throws -> OpaquePointer {
        guard let a = archive_read_new() else { throw PrepError.io(path: url.path, reason: "libarchive: out of memory") }
        archive_read_support_filter_all(a)
        archive_read_support_format_tar(a)
        archive_read_support_format_gnutar(a)
        if archive_read_open_filename(a, url.path, 1 << 16) != ARCHIVE_OK {
            let why = archive_error_string(a).map { String(cString: $0) } ?? "unknown error"
            archive_read_free(a)
            throw PrepError.input(file: url.path, line: nil, reason: "cannot open as an archive (\(why))")
        }
        return a
    }

    public func forEachEntry(_ body: (ArchiveEntry, ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws -> Void) throws {
        let a = try Self.open(url)
        defer { archive_read_free(a) }
        var entry: OpaquePointer?
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let r = archive_read_next_header(a, &entry)
            if r == ARCHIVE_EOF { return }
            guard r >= ARCHIVE_WARN, let e = entry else {
                throw PrepError.input(file: url.path, line: nil, reason: "damaged archive (\(errorText(a)))")
            }
            let path = archive_entry_pathname(e).map { String(cString: $0) } ?? ""
            let kind: ArchiveEntry.Kind
            if let link = archive_entry_hardlink(e) {
                kind = .hardlink(target: String(cString: link))
            } else {
                // AE_IFMT and friends are casts in C macros, which Swift does not import.
                switch UInt32(archive_entry_filetype(e)) & 0o170000 {
                case 0o100000: kind = .file
                case 0o040000: kind = .directory
                case 0o120000: kind = .symlink(target: archive_entry_symlink(e).map { String(cString: $0) } ?? "")
                default: kind = .other
                }
            }
            let member = ArchiveEntry(path: path, kind: kind, declaredSize: archive_entry_size(e))
            try body(member) { sink in
                while true {
                    let n = buffer.withUnsafeMutableBytes { archive_read_data(a, $0.baseAddress, $0.count) }
                    if n == 0 { return }
                    if n < 0 {
                        throw PrepError.input(file: "\(url.path): \(path)", line: nil, reason: "the member is damaged (\(errorText(a)))")
                    }
                    try buffer.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
                }
            }
        }
    }

    private func errorText(_ a: OpaquePointer) -> String {
        archive_error_string(a).map { String(cString: $0) } ?? "unknown error"
    }
}
