import CZlib

/// CRC-32 (zlib) of a byte buffer: compact fingerprints of pixel buffers for golden files
/// (`zlib.crc32(img.tobytes())` on the Python side).
public enum CRC32 {
    public static func of(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buf in
            UInt32(crc32(0, buf.baseAddress, UInt32(buf.count)))
        }
    }
}
