import Foundation

/// A folder held open by descriptor, to create many files in it: each file is created relative
/// to the descriptor (the kernel walks one name, not the whole path) with plain
/// `openat`/`write`/`close`. Crop folders receive tens of thousands of small files.
public final class FileFolder: @unchecked Sendable {
    public let url: URL
    private let fd: Int32

    /// Opens `url`, which must exist.
    public init(_ url: URL) throws {
        self.url = url
        fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw PrepError.io(path: url.path, reason: "cannot open the folder (\(String(cString: strerror(errno))))")
        }
    }

    deinit { close(fd) }

    /// Whether `name` (relative) exists.
    public func exists(_ name: String) -> Bool {
        var st = stat()
        return fstatat(fd, name, &st, 0) == 0
    }

    /// Creates or replaces the file `name` (relative; its folders must exist) with `bytes`.
    public func write(_ name: String, _ bytes: [UInt8]) throws {
        let f = openat(fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard f >= 0 else {
            throw PrepError.io(path: url.appendingPathComponent(name).path,
                               reason: "cannot create file (\(String(cString: strerror(errno))))")
        }
        var done = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { raw in
            while done < raw.count {
                let n = Foundation.write(f, raw.baseAddress! + done, raw.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = n < 0 ? errno : ENOSPC; break }
                done += n
            }
        }
        if close(f) != 0 && failure == 0 { failure = errno }
        if failure != 0 {
            throw PrepError.io(path: url.appendingPathComponent(name).path,
                               reason: "write failed (\(String(cString: strerror(failure))))")
        }
    }
}
