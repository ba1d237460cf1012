import Foundation

extension Digest {
    /// The lower-case hex digest of a whole file, read in 1 MiB pieces (a 20 GB archive is
    /// hashed without holding it); `onBytes` sees each piece's length (for a progress bar).
    public static func hexOfFile(_ url: URL, _ algorithm: Algorithm, onBytes: ((Int) -> Void)? = nil) throws -> String {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw PrepError.io(path: url.path, reason: "cannot read (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        let digest = Digest(algorithm)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw PrepError.io(path: url.path, reason: "read error (\(String(cString: strerror(errno))))")
            }
            buffer.withUnsafeBytes { digest.update(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            onBytes?(n)
        }
        return hex(digest.finish())
    }
}
