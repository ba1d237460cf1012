import Foundation

/// Reads whole files with one `open`, `fstat` and `read` calls into an uninitialised buffer:
/// Foundation's readers cost more per small file than decoding a word crop, and copy twice
/// (`Data`, then `[UInt8]`).
public enum FileBytes {
    /// Why a file could not be read; `reason` is worded for reports ("missing image").
    public struct Failure: Error, Sendable {
        public let reason: String
        public let missing: Bool
    }

    /// The bytes of `path`, relative to the directory `directoryFD` unless absolute (as
    /// `os.path.join` treats an absolute name); `AT_FDCWD` for the working directory.
    public static func read(_ path: String, relativeTo directoryFD: Int32 = AT_FDCWD) -> Result<[UInt8], Failure> {
        let fd = openat(directoryFD, path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let missing = errno == ENOENT || errno == ENOTDIR
            return .failure(Failure(reason: missing ? "missing image" : "cannot open (\(String(cString: strerror(errno))))", missing: missing))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            return .failure(Failure(reason: "not a regular file", missing: false))
        }
        let size = Int(st.st_size)
        var got = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buf, count in
            while got < size {
                let n = Foundation.read(fd, buf.baseAddress! + got, size - got)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                got += n
            }
            count = got
        }
        guard got == size else { return .failure(Failure(reason: "cannot read (\(got) of \(size) bytes)", missing: false)) }
        return .success(bytes)
    }
}
