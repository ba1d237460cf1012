import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel to start reading an image a few places ahead of the one being cropped
/// (`posix_fadvise(WILLNEED)`), so that with a cold page cache the disk works while the core
/// decodes: profiled at `--nproc 1` (issue 19), nearly half of the crop pass's waits were
/// `read`s of images not yet in memory. Opens non-blocking and only advises regular files (a
/// FIFO or device named as an image is refused later, when it is read); errors are ignored.
enum ReadAhead {
    /// How many images ahead of the current one are advised.
    static let distance = 6

    static func advise(_ path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return }
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_WILLNEED))
    }
}
