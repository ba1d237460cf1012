import Foundation
import CImageShim

extension ImageCodec {
    /// A page decoded within a memory bound (`decode(_:name:maxPixels:atLeast:)`).
    public struct BoundedDecode: Sendable {
        /// The decoded pixels: the stored image, or it reduced by `factor`.
        public var pixels: Pixels
        /// The stored size (coordinates of annotations and detections refer to it).
        public var storedWidth: Int
        public var storedHeight: Int
        /// 1 (decoded in full), 2, 4 or 8.
        public var factor: Int
        /// What was done to a page above the bound, for the run's report; nil below it.
        public var notice: String?
    }

    /// Pages above this many pixels (40 MP: 120 MB as BGR) are decoded reduced for inference.
    public static let pageMaxPixels = 40_000_000

    /// Decodes a page that a network will resize anyway, holding no more than about `maxPixels`
    /// pixels where the format allows. At or below the bound, it is `decode(_:name:)` exactly.
    /// Above it, the page is reduced by the largest factor of 2, 4 or 8 whose result is still
    /// at least `atLeast(storedWidth, storedHeight)` in both directions (the network's input
    /// size, so no detail the network would see is lost): a JPEG through libjpeg's DCT scaling
    /// (the full image never exists in memory), other formats decoded and shrunk at once (box
    /// filter). Pages above 16 × `maxPixels` that cannot be DCT-scaled are refused with the reason.
    public static func decode(_ bytes: [UInt8], name: String, maxPixels: Int,
                              atLeast: (Int, Int) -> (width: Int, height: Int)) throws -> BoundedDecode {
        let (W, H) = try storedSize(bytes, name: name)
        guard W > 0, H > 0 else { throw PrepError.image(path: name, reason: "empty image") }
        guard W * H > maxPixels else {
            return BoundedDecode(pixels: try decode(bytes, name: name), storedWidth: W, storedHeight: H, factor: 1, notice: nil)
        }
        let need = atLeast(W, H)
        func up(_ v: Int, _ d: Int) -> Int { (v + d - 1) / d }
        let factor = [8, 4, 2].first { up(W, $0) >= need.width && up(H, $0) >= need.height } ?? 1
        let w = up(W, factor), h = up(H, factor)
        let size = "\(W)×\(H) (\(megapixels(W * H)) MP) is above the \(megapixels(maxPixels)) MP decoding bound"
        if ImageFormat.sniff(bytes) == .jpeg {
            guard factor > 1 else {
                return BoundedDecode(pixels: try decode(bytes, name: name), storedWidth: W, storedHeight: H, factor: 1,
                                     notice: "\(size); decoded in full: the network's input (\(need.width)×\(need.height)) needs every pixel")
            }
            var err = prep_image_error()
            var out = [UInt8](repeating: 0, count: w * h * 3)
            let rc = bytes.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    prep_jpeg_decode_scaled(src.baseAddress, src.count, Int32(factor), Int32(PREP_BGR), dst.baseAddress,
                                            Int32(w), Int32(h), &err)
                }
            }
            try check(rc, err, name)
            return BoundedDecode(pixels: Pixels(width: w, height: h, channels: 3, order: .bgr, data: out), storedWidth: W, storedHeight: H,
                                 factor: factor, notice: "\(size); decoded at 1/\(factor) (\(w)×\(h)) by JPEG DCT scaling before the resize")
        }
        guard W * H <= 16 * maxPixels else {
            throw PrepError.image(path: name, reason: "\(size) and its format cannot be decoded reduced (only JPEG can); convert it to JPEG or shrink it")
        }
        let full = try decode(bytes, name: name)
        guard factor > 1 else {
            return BoundedDecode(pixels: full, storedWidth: W, storedHeight: H, factor: 1,
                                 notice: "\(size); decoded in full: the network's input (\(need.width)×\(need.height)) needs every pixel")
        }
        let small = full.downscaled(maxSide: max(w, h))
        return BoundedDecode(pixels: small, storedWidth: W, storedHeight: H, factor: factor,
                             notice: "\(size); decoded, then shrunk at once to 1/\(factor) (\(small.width)×\(small.height)) before the resize")
    }

    private static func megapixels(_ n: Int) -> String { String(format: "%.1f", Double(n) / 1e6) }
}
