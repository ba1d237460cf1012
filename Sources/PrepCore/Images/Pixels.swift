/// 8-bit pixels, row-major, interleaved (BGR like OpenCV's default, or gray).
public struct Pixels: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// 1 (gray) or 3 (colour).
    public var channels: Int
    public var order: ChannelOrder
    public var data: [UInt8]

    public init(width: Int, height: Int, channels: Int, order: ChannelOrder = .bgr, data: [UInt8]) {
        precondition(data.count == width * height * channels, "pixel buffer does not match its size")
        self.width = width
        self.height = height
        self.channels = channels
        self.order = order
        self.data = data
    }

    /// The rectangle `[x0, x1) × [y0, y1)`, which must lie inside the image.
    public func cropped(x0: Int, y0: Int, x1: Int, y1: Int) -> Pixels {
        precondition(x0 >= 0 && y0 >= 0 && x1 <= width && y1 <= height && x0 <= x1 && y0 <= y1)
        let w = x1 - x0, h = y1 - y0
        if x0 == 0 && y0 == 0 && w == width && h == height { return self }
        var out = [UInt8](repeating: 0, count: w * h * channels)
        let rowBytes = w * channels
        guard rowBytes > 0 else { return Pixels(width: w, height: h, channels: channels, order: order, data: out) }
        data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let s = ((y0 + y) * width + x0) * channels
                    (dst.baseAddress! + y * rowBytes).update(from: src.baseAddress! + s, count: rowBytes)
                }
            }
        }
        return Pixels(width: w, height: h, channels: channels, order: order, data: out)
    }
}

/// Channel order of colour pixels.
public enum ChannelOrder: Sendable {
    case bgr, rgb, gray
}
