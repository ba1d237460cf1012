import Foundation

/// Reads whole files with one `open`, `fstat` and `read` calls into an uninitialised buffer:
/// Foundation's readers cost more per small file than decoding a word crop, and copy twice
/// (`Data`, then `[UInt8]`).
///
/// It is also the one place that opens an input: `open` accepts only regular files, so a FIFO
/// (which would block the run forever), a device such as `/dev/zero` (which never ends), a
/// socket or a folder given as an image, an annotation or a label file is refused with a reason,
/// and files read whole are capped at `InputLimits.maxFileSize`.
public enum FileBytes {
    /// Why a file could not be read; `reason` is worded for reports ("missing image").
    public struct Failure: Error, Sendable {
        public let reason: String
        public let missing: Bool
    }

    /// An open regular file: its descriptor (the caller closes it) and size.
    public struct Opened: Sendable {
        public let fd: Int32
        public let size: Int
    }

    /// Opens `path` for reading, relative to `directoryFD` unless absolute, when it is a regular
    /// file. The open itself does not block (`O_NONBLOCK`): opening a FIFO to read would
    /// otherwise wait for a writer that never comes. The flag is left set: it has no effect on
    /// reading a regular file, and clearing it would cost two system calls per file.
    public static func open(_ path: String, relativeTo directoryFD: Int32 = AT_FDCWD) -> Result<Opened, Failure> {
        let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK
        let fd = directoryFD == AT_FDCWD ? FolderHandles.open(path, flags) : openat(directoryFD, path, flags)
        guard fd >= 0 else {
            let missing = errno == ENOENT || errno == ENOTDIR
            return .failure(Failure(reason: missing ? "missing image" : "cannot open (\(String(cString: strerror(errno))))", missing: missing))
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            close(fd)
            return .failure(Failure(reason: "cannot stat (\(String(cString: strerror(errno))))", missing: false))
        }
        let kind = st.st_mode & S_IFMT
        guard kind == S_IFREG else {
            close(fd)
            let what = kind == S_IFDIR ? "a folder" : kind == S_IFIFO ? "a FIFO (named pipe)" : kind == S_IFCHR ? "a character device"
                : kind == S_IFBLK ? "a block device" : kind == S_IFSOCK ? "a socket" : "a special file"
            return .failure(Failure(reason: "not a regular file but \(what); prep reads only regular files", missing: false))
        }
        return .success(Opened(fd: fd, size: Int(st.st_size)))
    }

    /// `open` for an input named by the user: failures are `PrepError.io` naming the file.
    public static func openInput(_ url: URL) throws -> Opened {
        switch open(url.path) {
        case let .success(o): return o
        case let .failure(f): throw PrepError.io(path: url.path, reason: f.missing ? "no such file" : f.reason)
        }
    }

    /// The bytes of `path`, relative to the directory `directoryFD` unless absolute (as
    /// `os.path.join` treats an absolute name); `AT_FDCWD` for the working directory.
    public static func read(_ path: String, relativeTo directoryFD: Int32 = AT_FDCWD) -> Result<[UInt8], Failure> {
        let opened: Opened
        switch open(path, relativeTo: directoryFD) {
        case let .success(o): opened = o
        case let .failure(f): return .failure(f)
        }
        defer { close(opened.fd) }
        let size = opened.size
        guard size <= InputLimits.maxFileSize else { return .failure(Failure(reason: InputLimits.fileTooLarge(size), missing: false)) }
        let bytes = readAll(opened)
        guard bytes.count == size else { return .failure(Failure(reason: "cannot read (\(bytes.count) of \(size) bytes)", missing: false)) }
        return .success(bytes)
    }

    /// The bytes of a small regular file (at most `limit` bytes) with one `open`, `fstat`, `read`
    /// and `close`; nil when it cannot be opened, is larger, or reads short. Callers then take
    /// their streaming path, which reports the failure in its own words.
    public static func readSmall(_ path: String, upTo limit: Int) -> [UInt8]? {
        guard case let .success(opened) = open(path) else { return nil }
        defer { close(opened.fd) }
        guard opened.size <= limit else { return nil }
        let bytes = readAll(opened)
        return bytes.count == opened.size ? bytes : nil
    }

    /// Up to `opened.size` bytes from the start of an open file (fewer if it reads short).
    private static func readAll(_ opened: Opened) -> [UInt8] {
        let size = opened.size
        var got = 0
        return [UInt8](unsafeUninitializedCapacity: size) { buf, count in
            while got < size {
                let n = Foundation.read(opened.fd, buf.baseAddress! + got, size - got)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                got += n
            }
            count = got
        }
    }

    /// The first `count` bytes (or fewer) of a regular file, for sniffing a format; nil when it
    /// cannot be opened or is not a regular file.
    public static func head(_ path: String, _ count: Int) -> [UInt8]? {
        guard case let .success(o) = open(path) else { return nil }
        defer { close(o.fd) }
        var got = 0
        let want = min(count, o.size)
        return [UInt8](unsafeUninitializedCapacity: want) { buf, n in
            while got < want {
                let r = pread(o.fd, buf.baseAddress! + got, want - got, off_t(got))
                if r < 0 && errno == EINTR { continue }
                if r <= 0 { break }
                got += r
            }
            n = got
        }
    }

    /// A whole input file (an annotation), or `PrepError.io` naming it and why.
    public static func readInput(_ url: URL) throws -> [UInt8] {
        switch read(url.path) {
        case let .success(b): return b
        case let .failure(f): throw PrepError.io(path: url.path, reason: f.missing ? "no such file" : f.reason)
        }
    }
}
