import Foundation

/// The file extensions a layout's images have, matched against the names of a listing by
/// integer compares: each extension of up to 8 bytes is packed into a `UInt64` with its length
/// (every shard checks every name of a listing, its own or not).
struct ImageExtensions {
    /// When the recipe names none.
    static let defaults = ["png", "PNG", "jpg", "JPG", "jpeg", "JPEG"]

    private let packed: [(value: UInt64, count: Int)]
    /// Extensions longer than 8 bytes, compared as bytes.
    private let long: [[UInt8]]

    init(_ extensions: [String]) {
        let bytes = extensions.map { Array($0.utf8) }
        packed = bytes.filter { $0.count <= 8 }.map { e in e.withUnsafeBufferPointer { (Self.pack($0), e.count) } }
        long = bytes.filter { $0.count > 8 }
    }

    @inline(__always) private static func pack(_ u: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<u.count { v |= UInt64(u[i]) << (8 * UInt64(i)) }
        return v
    }

    /// Whether a listed name (a relative path) is an image: its last component is not hidden and
    /// has one of the extensions.
    func matches(name u: UnsafeBufferPointer<UInt8>) -> Bool {
        var start = u.count
        while start > 0 && u[start - 1] != 0x2F { start -= 1 }
        guard start < u.count, u[start] != 0x2E else { return false }
        var dot = u.count - 1
        while dot > start && u[dot] != 0x2E { dot -= 1 }
        guard u[dot] == 0x2E else { return false }
        let ext = UnsafeBufferPointer(rebasing: u[(dot + 1)...])
        if ext.count <= 8 {
            let v = Self.pack(ext)
            return packed.withUnsafeBufferPointer { all in
                for p in all where p.count == ext.count && p.value == v { return true }
                return false
            }
        }
        for e in long where e.count == ext.count && e.withUnsafeBufferPointer({ memcmp($0.baseAddress!, ext.baseAddress!, e.count) == 0 }) { return true }
        return false
    }
}
