extension Pixels {
    /// The pixels in the top-left corner of a black `width × height` image (PIL's `crop` of a
    /// box that runs past the right or bottom edge); cut where the image is larger.
    public func padded(width w: Int, height h: Int) -> Pixels {
        if w == width && h == height { return self }
        var out = [UInt8](repeating: 0, count: w * h * channels)
        let rowBytes = min(w, width) * channels
        guard rowBytes > 0 else { return Pixels(width: w, height: h, channels: channels, order: order, data: out) }
        data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<min(h, height) {
                    (dst.baseAddress! + y * w * channels).update(from: src.baseAddress! + y * width * channels, count: rowBytes)
                }
            }
        }
        return Pixels(width: w, height: h, channels: channels, order: order, data: out)
    }
}
