import CImageShim

extension ImageCodec {
    /// Proves that an image decodes without keeping its pixels, and returns its stored size.
    /// A JPEG's entropy-coded data is decoded in full (so a cut or corrupt file fails exactly as a
    /// full decode does) but only at 1/8 scale in grayscale, which is most of the saving when
    /// verifying many small crops; a PNG is decoded in full. Throws `PrepError.image` with
    /// "truncated: …" for a cut file, like `decode`.
    public static func verify(_ bytes: [UInt8], name: String) throws -> (width: Int, height: Int) {
        guard ImageFormat.sniff(bytes) == .jpeg else {
            let p = try decode(bytes, name: name, gray: true)
            return (p.width, p.height)
        }
        var err = prep_image_error()
        var w: Int32 = 0, h: Int32 = 0
        let rc = bytes.withUnsafeBufferPointer { prep_jpeg_verify($0.baseAddress, $0.count, &w, &h, &err) }
        try check(rc, err, name)
        return (Int(w), Int(h))
    }
}
