import Foundation
import CImageShim

/// Decodes and encodes images through libjpeg-turbo and libpng (via the C shim, so a corrupt or
/// cut-short file is an error, never a process exit or a grey-filled image).
public enum ImageCodec {
    /// Decodes a whole image, or the region `[x0, x1) × [y0, y1)` of a JPEG (only the rows and
    /// columns needed are decoded; pixels equal a full decode), into BGR (or gray) pixels as
    /// OpenCV's `imread` gives them, EXIF orientation not applied.
    public static func decode(_ bytes: [UInt8], name: String, gray: Bool = false,
                              region: (x0: Int, y0: Int, x1: Int, y1: Int)? = nil) throws -> Pixels {
        guard let format = ImageFormat.sniff(bytes) else {
            throw PrepError.image(path: name, reason: "unknown image format")
        }
        var err = prep_image_error()
        let color = gray ? Int32(PREP_GRAY) : Int32(PREP_BGR)
        let channels = gray ? 1 : 3
        switch format {
        case .jpeg:
            var w: Int32 = 0, h: Int32 = 0, c: Int32 = 0
            var rc = bytes.withUnsafeBufferPointer { prep_jpeg_info($0.baseAddress, $0.count, &w, &h, &c, &err) }
            try check(rc, err, name)
            let r = region ?? (0, 0, Int(w), Int(h))
            var out = [UInt8](repeating: 0, count: max(0, (r.x1 - r.x0) * (r.y1 - r.y0) * channels))
            rc = bytes.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    prep_jpeg_decode(src.baseAddress, src.count, Int32(r.x0), Int32(r.y0), Int32(r.x1), Int32(r.y1),
                                     color, dst.baseAddress, &err)
                }
            }
            try check(rc, err, name)
            return Pixels(width: r.x1 - r.x0, height: r.y1 - r.y0, channels: channels, order: gray ? .gray : .bgr, data: out)
        case .png:
            var w: Int32 = 0, h: Int32 = 0, c: Int32 = 0, depth: Int32 = 0
            var rc = bytes.withUnsafeBufferPointer { prep_png_info($0.baseAddress, $0.count, &w, &h, &c, &depth, &err) }
            try check(rc, err, name)
            var out = [UInt8](repeating: 0, count: Int(w) * Int(h) * channels)
            rc = bytes.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { prep_png_decode(src.baseAddress, src.count, color, $0.baseAddress, &err) }
            }
            try check(rc, err, name)
            let full = Pixels(width: Int(w), height: Int(h), channels: channels, order: gray ? .gray : .bgr, data: out)
            if let r = region { return full.cropped(x0: r.x0, y0: r.y0, x1: r.x1, y1: r.y1) }
            return full
        default:
            throw PrepError.image(path: name, reason: "decoding \(format.rawValue.uppercased()) is not supported")
        }
    }

    /// Decodes the displayed image under an EXIF orientation (what `cv2.imread(path)` gives), or
    /// only its region `[x0, x1) × [y0, y1)` in displayed coordinates: the stored rectangle
    /// behind that region is decoded (partially, for a JPEG) and then rotated, so the pixels
    /// equal a crop of the fully decoded, rotated image.
    public static func decode(_ bytes: [UInt8], name: String, gray: Bool = false,
                              region: (x0: Int, y0: Int, x1: Int, y1: Int)? = nil,
                              orientation: ExifOrientation) throws -> Pixels {
        if orientation.value == 1 { return try decode(bytes, name: name, gray: gray, region: region) }
        guard let region else { return try decode(bytes, name: name, gray: gray).oriented(orientation) }
        let size = try storedSize(bytes, name: name)
        let stored = orientation.storedRect(x0: region.x0, y0: region.y0, x1: region.x1, y1: region.y1,
                                            width: size.width, height: size.height)
        return try decode(bytes, name: name, gray: gray, region: stored).oriented(orientation)
    }

    /// Decodes the columns `[x0, x1)` of several row bands `[y0, y1)` (sorted, not overlapping)
    /// of the stored image, as one `Pixels` spanning the first band's top to the last band's
    /// bottom; rows between bands are not decoded (left black) — for a JPEG they are skipped,
    /// which makes crops spread over an image cheaper than one region covering them all.
    /// Rows inside the bands equal a full decode.
    public static func decode(_ bytes: [UInt8], name: String, columns: (x0: Int, x1: Int),
                              rowBands: [(y0: Int, y1: Int)]) throws -> Pixels {
        guard let first = rowBands.first, let last = rowBands.last else {
            throw PrepError.image(path: name, reason: "no rows to decode")
        }
        guard ImageFormat.sniff(bytes) == .jpeg, rowBands.count > 1 else {
            return try decode(bytes, name: name, region: (columns.x0, first.y0, columns.x1, last.y1))
        }
        var err = prep_image_error()
        var out = [UInt8](repeating: 0, count: (columns.x1 - columns.x0) * (last.y1 - first.y0) * 3)
        let flat = rowBands.flatMap { [Int32($0.y0), Int32($0.y1)] }
        let rc = bytes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                flat.withUnsafeBufferPointer { b in
                    prep_jpeg_decode_bands(src.baseAddress, src.count, Int32(columns.x0), Int32(columns.x1), b.baseAddress,
                                           Int32(rowBands.count), Int32(PREP_BGR), dst.baseAddress, &err)
                }
            }
        }
        try check(rc, err, name)
        return Pixels(width: columns.x1 - columns.x0, height: last.y1 - first.y0, channels: 3, order: .bgr, data: out)
    }

    /// The stored pixel size from the header (JPEG or PNG).
    public static func storedSize(_ bytes: [UInt8], name: String) throws -> (width: Int, height: Int) {
        var err = prep_image_error()
        var w: Int32 = 0, h: Int32 = 0, c: Int32 = 0, depth: Int32 = 0
        let rc: Int32
        switch ImageFormat.sniff(bytes) {
        case .jpeg?: rc = bytes.withUnsafeBufferPointer { prep_jpeg_info($0.baseAddress, $0.count, &w, &h, &c, &err) }
        case .png?: rc = bytes.withUnsafeBufferPointer { prep_png_info($0.baseAddress, $0.count, &w, &h, &c, &depth, &err) }
        case let f?: throw PrepError.image(path: name, reason: "decoding \(f.rawValue.uppercased()) is not supported")
        case nil: throw PrepError.image(path: name, reason: "unknown image format")
        }
        try check(rc, err, name)
        return (Int(w), Int(h))
    }

    /// Reads and decodes a file.
    public static func decode(file url: URL, gray: Bool = false) throws -> Pixels {
        switch FileBytes.read(url.path) {
        case let .success(bytes): return try decode(bytes, name: url.path, gray: gray)
        case let .failure(e): throw PrepError.image(path: url.path, reason: e.reason)
        }
    }

    /// Baseline JPEG at `quality` (OpenCV's default is 95).
    public static func encodeJPEG(_ p: Pixels, quality: Int = 95) throws -> [UInt8] {
        try encode(p) { px, w, h, c, out, len, err in prep_jpeg_encode(px, w, h, c, Int32(quality), out, len, err) }
    }

    /// How a JPEG was quantised, to save crops of it the way Pillow saves them with
    /// `qtables=source.quantization` (the reference's OpenVINO crops): its tables (natural
    /// order, 64 values each) and whether it is gray (Pillow keeps the source's mode).
    public struct JPEGQuantisation: Sendable, Equatable {
        public let tables: [[UInt16]]
        public let gray: Bool
    }

    /// The quantisation of a JPEG, from one read of its header; nil when `bytes` is not a
    /// readable JPEG.
    public static func quantisation(of bytes: [UInt8]) -> JPEGQuantisation? {
        guard ImageFormat.sniff(bytes) == .jpeg else { return nil }
        var err = prep_image_error()
        var flat = [UInt16](repeating: 0, count: 4 * 64)
        var count: Int32 = 0, components: Int32 = 0
        let rc = bytes.withUnsafeBufferPointer { src in
            flat.withUnsafeMutableBufferPointer {
                prep_jpeg_quant_tables(src.baseAddress, src.count, $0.baseAddress, &count, &components, &err)
            }
        }
        guard rc == 0, count > 0 else { return nil }
        return JPEGQuantisation(tables: (0..<Int(count)).map { Array(flat[$0 * 64..<($0 + 1) * 64]) }, gray: components == 1)
    }

    /// Baseline JPEG with a source's quantisation tables instead of a quality, as Pillow writes
    /// `save(…, qtables=…)`; gray when the source is gray.
    public static func encodeJPEG(_ p: Pixels, quantisation q: JPEGQuantisation) throws -> [UInt8] {
        guard (1...4).contains(q.tables.count), q.tables.allSatisfy({ $0.count == 64 }) else {
            throw PrepError.image(path: "encoder", reason: "1 to 4 quantisation tables of 64 values expected")
        }
        var pixels = p
        if q.gray && p.channels == 3 {
            // The decoder spread the gray source over three equal channels.
            pixels = Pixels(width: p.width, height: p.height, channels: 1, order: .gray,
                            data: stride(from: 0, to: p.data.count, by: 3).map { p.data[$0] })
        }
        let flat = q.tables.flatMap { $0 }
        return try encode(pixels) { px, w, h, c, out, len, err in
            flat.withUnsafeBufferPointer { prep_jpeg_encode_tables(px, w, h, c, $0.baseAddress, Int32(q.tables.count), out, len, err) }
        }
    }

    /// Lossless PNG (OpenCV's default Sub filter and run-length deflate; prep's own encoder).
    public static func encodePNG(_ p: Pixels) throws -> [UInt8] {
        try encode(p) { px, w, h, c, out, len, err in prep_png_encode(px, w, h, c, out, len, err) }
    }

    private typealias Encoder = (UnsafePointer<UInt8>?, Int32, Int32, Int32,
                                 UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>,
                                 UnsafeMutablePointer<prep_image_error>) -> Int32

    private static func encode(_ p: Pixels, _ fn: Encoder) throws -> [UInt8] {
        var err = prep_image_error()
        var outPtr: UnsafeMutablePointer<UInt8>? = nil
        var len = 0
        let color: Int32 = p.channels == 1 ? Int32(PREP_GRAY) : (p.order == .rgb ? Int32(PREP_RGB) : Int32(PREP_BGR))
        let rc = p.data.withUnsafeBufferPointer { fn($0.baseAddress, Int32(p.width), Int32(p.height), color, &outPtr, &len, &err) }
        try check(rc, err, "encoder")
        defer { prep_image_free(outPtr) }
        return Array(UnsafeBufferPointer(start: outPtr, count: len))
    }

    static func check(_ rc: Int32, _ err: prep_image_error, _ name: String) throws {
        guard rc != 0 else { return }
        let msg = withUnsafeBytes(of: err.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        switch rc {
        case Int32(PREP_ERR_TRUNCATED): throw PrepError.image(path: name, reason: "truncated: \(msg)")
        default: throw PrepError.image(path: name, reason: msg.isEmpty ? "cannot decode image" : "cannot decode: \(msg)")
        }
    }
}
