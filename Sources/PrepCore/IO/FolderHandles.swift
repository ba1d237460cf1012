import Foundation

/// Folders held open by descriptor while a pass reads many files named by absolute paths:
/// within `within { … }`, `FileBytes.open("/a/b/c/img_1.jpg")` opens `img_1.jpg` relative to
/// the folder `/a/b/c` (`openat`), opened once, so the kernel resolves one name per file instead
/// of walking every component of the path again. The det pass opens two files per image; the
/// walks were 15 % of converting 2,000 ICDAR images (perf), a compiled floor opens relative to
/// its folder.
///
/// Only for passes that read inputs: a folder replaced (renamed over, deleted and made again)
/// inside the scope would still be read through its old descriptor, so a scope must not span
/// changes to the folders it reads from. Outside any scope, paths are opened as given.
public enum FolderHandles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var depth = 0
    nonisolated(unsafe) private static var folders: [(path: [UInt8], fd: Int32)] = []
    /// More distinct folders than this in one scope are opened by full path (descriptors are finite).
    static let maxFolders = 64

    /// Runs `body` with folder descriptors kept (and closes them after, when the outermost scope ends).
    public static func within<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock(); depth += 1; lock.unlock()
        defer {
            lock.lock()
            depth -= 1
            if depth == 0 {
                for f in folders { close(f.fd) }
                folders = []
            }
            lock.unlock()
        }
        return try body()
    }

    /// `openat(AT_FDCWD, path, flags)`, through the folder's descriptor inside a scope.
    static func open(_ path: String, _ flags: Int32) -> Int32 {
        path.withCString { c -> Int32 in
            guard c[0] == 0x2F else { return openat(AT_FDCWD, c, flags) }
            let n = strlen(c)
            var s = n - 1
            while s > 0 && c[s] != 0x2F { s -= 1 }
            guard s > 0, s < n - 1, let folder = descriptor(UnsafeRawBufferPointer(start: c, count: s)) else {
                return openat(AT_FDCWD, c, flags)
            }
            return openat(folder, c + s + 1, flags)
        }
    }

    /// The open descriptor of `folder` in the current scope (opened on first use), or nil outside
    /// a scope or when it cannot be opened (the caller then opens the full path and reports that).
    private static func descriptor(_ folder: UnsafeRawBufferPointer) -> Int32? {
        lock.lock(); defer { lock.unlock() }
        guard depth > 0 else { return nil }
        for f in folders where f.path.count == folder.count {
            if f.path.withUnsafeBytes({ memcmp($0.baseAddress!, folder.baseAddress!, folder.count) }) == 0 { return f.fd }
        }
        guard folders.count < maxFolders else { return nil }
        let path = [UInt8](folder)
        let fd = Foundation.open(String(decoding: path, as: UTF8.self), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        folders.append((path, fd))
        return fd
    }
}
