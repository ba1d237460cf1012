import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads width, height, channels and EXIF orientation from image headers (JPEG SOF, PNG IHDR,
/// GIF, BMP, WebP) without decoding pixels: a few kB per file, ~10 µs. Unknown formats and
/// headers cut short are errors naming the file; `checkComplete` also rejects files whose
/// end-of-image marker is missing (a download cut part-way), by reading the last bytes.
public enum ImageProbe {
    public static func probe(_ url: URL, checkComplete: Bool = true) throws -> ImageInfo {
        try probe(path: url.plainPath, checkComplete: checkComplete)
    }

    /// `probe(_:)` of a plain file-system path.
    public static func probe(path: String, checkComplete: Bool = true) throws -> ImageInfo {
        let opened: FileBytes.Opened
        switch FileBytes.open(path) {
        case let .success(o): opened = o
        case let .failure(f): throw PrepError.image(path: path, reason: f.missing ? "missing image" : f.reason)
        }
        defer { close(opened.fd) }
        // A few kB at the start and the end are all a probe reads: without this, the kernel's
        // readahead pulls in the next 128 kB or more of every image (from disk on a cold run).
        _ = posix_fadvise(opened.fd, 0, 0, Int32(POSIX_FADV_RANDOM))
        let reader = FileWindow(fd: opened.fd, size: opened.size)
        return try probe(reader, path: path, checkComplete: checkComplete)
    }

    /// Probes an image held in memory (an LMDB value, an archive member).
    public static func probe(bytes: [UInt8], name: String, checkComplete: Bool = true) throws -> ImageInfo {
        try probe(MemoryWindow(bytes: bytes), path: name, checkComplete: checkComplete)
    }

    static func probe(_ r: ByteWindow, path: String, checkComplete: Bool) throws -> ImageInfo {
        if r.size == 0 { throw PrepError.image(path: path, reason: "empty file (0 bytes)") }
        let head = r.read(0, 32)
        guard let format = ImageFormat.sniff(head) else {
            let shown = head.prefix(8).map { String(format: "%02X", $0) }.joined(separator: " ")
            throw PrepError.image(path: path, reason: "unknown image format (first bytes \(shown)); expected JPEG, PNG, GIF, BMP or WebP")
        }
        var info: ImageInfo
        switch format {
        case .jpeg: info = try jpeg(r, path: path)
        case .png: info = try png(head, path: path)
        case .gif: info = try gif(head, path: path)
        case .bmp: info = try bmp(r, path: path)
        case .webp: info = try webp(r, path: path)
        }
        info.fileSize = r.size
        if info.width <= 0 || info.height <= 0 {
            throw PrepError.image(path: path, reason: "header gives an empty size \(info.width)x\(info.height)")
        }
        if checkComplete, let why = incomplete(r, format: format) {
            throw PrepError.image(path: path, reason: why)
        }
        return info
    }

    /// Why the file looks cut short, or nil: the format's end marker is not among its last bytes.
    static func incomplete(_ r: ByteWindow, format: ImageFormat) -> String? {
        let why: String
        switch format {
        case .jpeg: why = "truncated: the JPEG has no end-of-image marker (file cut short)"
        case .png: why = "truncated: the PNG has no IEND chunk (file cut short)"
        case .gif: why = "truncated: the GIF has no trailer (file cut short)"
        case .bmp, .webp: return nil  // no end marker to look for
        }
        // The marker is nearly always in the last few bytes: look there first (512 bytes copied
        // instead of 4 KiB per image), then in the whole tail, which gives the same answer.
        let nearLength = min(r.size, 512)
        if endMarker(in: r.read(r.size - nearLength, nearLength), format: format) { return nil }
        let tailLength = min(r.size, 4096)
        if tailLength > nearLength, endMarker(in: r.read(r.size - tailLength, tailLength), format: format) { return nil }
        return why
    }

    /// Whether the format's end marker is in `tail` (the file's last bytes).
    static func endMarker(in tail: [UInt8], format: ImageFormat) -> Bool {
        switch format {
        case .jpeg:
            // 0xFF 0xD9 cannot occur inside entropy-coded data (0xFF is stuffed there), so
            // finding it near the end means the scan data is complete (trailing padding is fine).
            var i = tail.count - 2
            while i >= 0 { if tail[i] == 0xFF && tail[i + 1] == 0xD9 { return true }; i -= 1 }
            return false
        case .png:
            let iend: [UInt8] = [0x49, 0x45, 0x4E, 0x44]
            if tail.count >= 4 {
                for i in stride(from: tail.count - 4, through: 0, by: -1) where Array(tail[i..<i + 4]) == iend { return true }
            }
            return false
        case .gif:
            return tail.last == 0x3B || tail.suffix(16).contains(0x3B)
        case .bmp, .webp:
            return true
        }
    }

    // MARK: JPEG

    /// The frame header markers SOF0–SOF15 (0xC0–0xCF but DHT 0xC4, JPG 0xC8, DAC 0xCC).
    @inline(__always) static func isSOF(_ marker: UInt8) -> Bool {
        marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
    }

    static func jpeg(_ r: ByteWindow, path: String) throws -> ImageInfo {
        var pos = 2
        var orientation = 1
        let cut = PrepError.image(path: path, reason: "JPEG header cut short (no frame header before the end of the file)")
        while true {
            // Find the next marker, skipping fill bytes.
            var b = r.byte(pos)
            guard let first = b else { throw cut }
            if first != 0xFF {
                throw PrepError.image(path: path, reason: String(format: "corrupt JPEG header: expected a marker at byte %d, found 0x%02X", pos, first))
            }
            repeat { pos += 1; b = r.byte(pos) } while b == 0xFF
            guard let marker = b else { throw cut }
            pos += 1
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { continue }
            if marker == 0xD9 || marker == 0xDA {
                throw PrepError.image(path: path, reason: "corrupt JPEG header: no frame header (SOF) before the image data")
            }
            // Byte by byte from the window's block (no array per field).
            guard let l0 = r.byte(pos), let l1 = r.byte(pos + 1) else { throw cut }
            let length = Int(l0) << 8 | Int(l1)
            guard length >= 2 else { throw PrepError.image(path: path, reason: "corrupt JPEG header: segment length \(length)") }
            if isSOF(marker) {
                guard let h0 = r.byte(pos + 3), let h1 = r.byte(pos + 4), let w0 = r.byte(pos + 5), let w1 = r.byte(pos + 6),
                      let c = r.byte(pos + 7) else { throw cut }
                return ImageInfo(format: .jpeg, width: Int(w0) << 8 | Int(w1), height: Int(h0) << 8 | Int(h1),
                                 channels: Int(c), exifOrientation: orientation)
            }
            if marker == 0xE1 && length >= 16 {
                let seg = r.read(pos + 2, length - 2)
                guard seg.count == length - 2 else { throw cut }
                if let o = ExifReader.orientation(app1: seg) { orientation = o }
            }
            pos += length
        }
    }

    // MARK: PNG, GIF, BMP, WebP

    static func png(_ h: [UInt8], path: String) throws -> ImageInfo {
        guard h.count >= 26, Array(h[12..<16]) == Array("IHDR".utf8) else {
            throw PrepError.image(path: path, reason: "PNG header cut short or missing IHDR")
        }
        let width = Int(be32(h, 16)), height = Int(be32(h, 20))
        let colorType = h[25]
        let channels: Int
        switch colorType {
        case 0: channels = 1
        case 2, 3: channels = 3
        case 4: channels = 2
        case 6: channels = 4
        default: throw PrepError.image(path: path, reason: "PNG with unknown colour type \(colorType)")
        }
        return ImageInfo(format: .png, width: width, height: height, channels: channels)
    }

    static func gif(_ h: [UInt8], path: String) throws -> ImageInfo {
        guard h.count >= 10 else { throw PrepError.image(path: path, reason: "GIF header cut short") }
        return ImageInfo(format: .gif, width: Int(h[6]) | Int(h[7]) << 8, height: Int(h[8]) | Int(h[9]) << 8, channels: 3)
    }

    static func bmp(_ r: ByteWindow, path: String) throws -> ImageInfo {
        let h = r.read(0, 30)
        guard h.count >= 26 else { throw PrepError.image(path: path, reason: "BMP header cut short") }
        let dib = Int(le32(h, 14))
        if dib == 12 {
            let bpp = Int(h[24]) | Int(h[25]) << 8
            return ImageInfo(format: .bmp, width: Int(h[18]) | Int(h[19]) << 8, height: Int(h[20]) | Int(h[21]) << 8,
                             channels: bpp == 32 ? 4 : (bpp == 8 ? 1 : 3))
        }
        guard h.count >= 30 else { throw PrepError.image(path: path, reason: "BMP header cut short") }
        let width = Int(Int32(bitPattern: le32(h, 18)))
        let height = abs(Int(Int32(bitPattern: le32(h, 22))))
        let bpp = Int(h[28]) | Int(h[29]) << 8
        return ImageInfo(format: .bmp, width: width, height: height, channels: bpp == 32 ? 4 : 3)
    }

    static func webp(_ r: ByteWindow, path: String) throws -> ImageInfo {
        let h = r.read(0, 40)
        let cut = PrepError.image(path: path, reason: "WebP header cut short")
        guard h.count >= 30 else { throw cut }
        let kind = String(decoding: h[12..<16], as: UTF8.self)
        switch kind {
        case "VP8 ":
            guard h[23] == 0x9D, h[24] == 0x01, h[25] == 0x2A else { throw PrepError.image(path: path, reason: "corrupt WebP (VP8) frame header") }
            return ImageInfo(format: .webp, width: Int(le16(h, 26) & 0x3FFF), height: Int(le16(h, 28) & 0x3FFF), channels: 3)
        case "VP8L":
            guard h[20] == 0x2F else { throw PrepError.image(path: path, reason: "corrupt WebP (VP8L) header") }
            let bits = le32(h, 21)
            let width = Int(bits & 0x3FFF) + 1, height = Int((bits >> 14) & 0x3FFF) + 1
            return ImageInfo(format: .webp, width: width, height: height, channels: (bits >> 28) & 1 == 1 ? 4 : 3)
        case "VP8X":
            let width = (Int(h[24]) | Int(h[25]) << 8 | Int(h[26]) << 16) + 1
            let height = (Int(h[27]) | Int(h[28]) << 8 | Int(h[29]) << 16) + 1
            return ImageInfo(format: .webp, width: width, height: height, channels: h[20] & 0x10 != 0 ? 4 : 3)
        default:
            throw PrepError.image(path: path, reason: "WebP with unknown chunk '\(kind)'")
        }
    }

    static func be32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }
    static func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
    static func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
}

/// Random access to the bytes of a file or buffer, read lazily in blocks.
protocol ByteWindow {
    var size: Int { get }
    func read(_ offset: Int, _ count: Int) -> [UInt8]
    /// One byte, nil past the end (without the array `read` makes: JPEG markers are scanned a
    /// byte at a time).
    func byte(_ offset: Int) -> UInt8?
}

/// A file read through `pread` with a small block cache (headers are read a few bytes at a time).
final class FileWindow: ByteWindow {
    let fd: Int32
    let size: Int
    private var block: [UInt8] = []
    private var blockStart = -1
    /// A real JPEG's frame header sits within its first few hundred bytes (byte 158 in ICDAR's);
    /// an EXIF block before it is skipped by its length, and the read after it starts a new block.
    private static let blockSize = 2048

    init(fd: Int32, size: Int) { self.fd = fd; self.size = size }

    func byte(_ offset: Int) -> UInt8? {
        if blockStart >= 0, offset >= blockStart, offset < blockStart + block.count { return block[offset - blockStart] }
        return read(offset, 1).first
    }

    func read(_ offset: Int, _ count: Int) -> [UInt8] {
        guard offset >= 0, count > 0, offset < size else { return [] }
        let n = min(count, size - offset)
        if blockStart >= 0, offset >= blockStart, offset + n <= blockStart + block.count {
            return Array(block[(offset - blockStart)..<(offset - blockStart + n)])
        }
        if n > FileWindow.blockSize { return pread(offset, n) }
        block = pread(offset, min(FileWindow.blockSize, size - offset))
        blockStart = offset
        return Array(block.prefix(n))
    }

    private func pread(_ offset: Int, _ n: Int) -> [UInt8] {
        // Uninitialised storage: zero-filling 8 KiB per read cost more than the header parse.
        [UInt8](unsafeUninitializedCapacity: n) { buf, count in
            var got = 0
            while got < n {
                let r = Glibc.pread(fd, buf.baseAddress! + got, n - got, off_t(offset + got))
                if r <= 0 { break }
                got += r
            }
            count = got
        }
    }
}

struct MemoryWindow: ByteWindow {
    let bytes: [UInt8]
    var size: Int { bytes.count }
    func byte(_ offset: Int) -> UInt8? { offset >= 0 && offset < bytes.count ? bytes[offset] : nil }
    func read(_ offset: Int, _ count: Int) -> [UInt8] {
        guard offset >= 0, count > 0, offset < bytes.count else { return [] }
        return Array(bytes[offset..<min(bytes.count, offset + count)])
    }
}
