import CCrypto

/// A message digest (MD5 or SHA-256) computed by OpenSSL's libcrypto, the kept implementation
/// Debian ships: content fingerprints (finding the same image twice) and download checksums
/// (dataset archives are published with md5 or sha256). Feed bytes in pieces with `update`,
/// so a multi-gigabyte archive is hashed without holding it.
public final class Digest {
    public enum Algorithm: String, Sendable { case md5, sha256 }

    public let algorithm: Algorithm
    private let ctx: OpaquePointer

    public init(_ algorithm: Algorithm) {
        self.algorithm = algorithm
        ctx = EVP_MD_CTX_new()
        let md = algorithm == .md5 ? EVP_md5() : EVP_sha256()
        EVP_DigestInit_ex(ctx, md, nil)
    }

    deinit { EVP_MD_CTX_free(ctx) }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(ctx, base, bytes.count)
    }

    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The digest's bytes; the object cannot be fed afterwards.
    public func finish() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var n: UInt32 = 0
        EVP_DigestFinal_ex(ctx, &out, &n)
        return Array(out[..<Int(n)])
    }

    /// Lower-case hex, as `md5sum` / `sha256sum` print it.
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var s = [UInt8](); s.reserveCapacity(bytes.count * 2)
        for b in bytes { s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 15)]) }
        return String(decoding: s, as: UTF8.self)
    }
}

/// A SHA-256 value: 256 bits, so two different images never collide in practice, unlike CRC-32.
public struct SHA256Digest: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]
    public init(bytes: [UInt8]) { self.bytes = bytes }
    /// Lower-case hex, as `sha256sum` prints it.
    public var description: String { Digest.hex(bytes) }
}

/// SHA-256 of a whole buffer (libcrypto).
public enum SHA256 {
    public static func of(_ bytes: [UInt8]) -> SHA256Digest {
        let d = Digest(.sha256)
        d.update(bytes)
        return SHA256Digest(bytes: d.finish())
    }
}
