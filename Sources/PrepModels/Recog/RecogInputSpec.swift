import Foundation
import PrepCore

/// How a word image becomes the CRNN's input, as MMOCR 0.6.3's CRNN pipeline configures it
/// (lean-core.md §4.1): decoded gray (`LoadImageFromFile(color_type='grayscale')`) or colour
/// (BGR, as cv2 decodes), resized with cv2's bilinear `INTER_LINEAR` (`Pixels.resized`, pixel
/// for pixel equal to OpenCV), normalised as `(x − mean) / std` with mean = std = 127.
///
/// - `keepRatio == false` (the training recipe, `ResizeOCR(32, 100, 100, keep_aspect_ratio=False)`):
///   stretched to `width × height`.
/// - `keepRatio == true` (`ResizeOCR(height=32, min_width=32, max_width=maxWidth,
///   keep_aspect_ratio=True)`): new_w = ⌈height·w/h⌉, rounded to a multiple of 16 with Python's
///   half-to-even `round` when it is not one, at least `minWidth`; resized to min(new_w, maxWidth)
///   and padded on the right with pixel value 0 up to `maxWidth` (`img_pad_value=0`, before
///   normalisation); `validRatio` = min(1, new_w / maxWidth).
public struct RecogInputSpec: Sendable, Equatable, Codable {
    public var height: Int
    /// The fixed width (stretch) or the padded width (keep-ratio).
    public var width: Int
    public var keepRatio: Bool
    public var minWidth: Int
    public var channels: Int
    public var mean: Float
    public var std: Float
    /// Keep-ratio only: batches group words of similar width and are padded to their widest
    /// word, not to `width` (`RecogWidthBuckets`; `--width-buckets`). Prediction then sorts its
    /// inputs by width the same way, so a model sees the padding it was trained with.
    public var widthBuckets: Bool

    public init(height: Int = 32, width: Int = 100, keepRatio: Bool = false, minWidth: Int = 32, channels: Int = 1,
                mean: Float = 127, std: Float = 127, widthBuckets: Bool = false) {
        self.height = height
        self.width = width
        self.keepRatio = keepRatio
        self.minWidth = minWidth
        self.channels = channels
        self.mean = mean
        self.std = std
        self.widthBuckets = widthBuckets
    }

    private enum CodingKeys: String, CodingKey { case height, width, keepRatio, minWidth, channels, mean, std, widthBuckets }

    /// Checkpoints written before `widthBuckets` existed read as without buckets.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        height = try c.decode(Int.self, forKey: .height)
        width = try c.decode(Int.self, forKey: .width)
        keepRatio = try c.decode(Bool.self, forKey: .keepRatio)
        minWidth = try c.decode(Int.self, forKey: .minWidth)
        channels = try c.decode(Int.self, forKey: .channels)
        mean = try c.decode(Float.self, forKey: .mean)
        std = try c.decode(Float.self, forKey: .std)
        widthBuckets = try c.decodeIfPresent(Bool.self, forKey: .widthBuckets) ?? false
    }

    /// `widthBuckets` is written only when set, so other models' metadata stays as it was.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(height, forKey: .height)
        try c.encode(width, forKey: .width)
        try c.encode(keepRatio, forKey: .keepRatio)
        try c.encode(minWidth, forKey: .minWidth)
        try c.encode(channels, forKey: .channels)
        try c.encode(mean, forKey: .mean)
        try c.encode(std, forKey: .std)
        if widthBuckets { try c.encode(true, forKey: .widthBuckets) }
    }

    /// MMOCR 0.6.3's width for a `w × h` image under keep-ratio (before the `maxWidth` clamp).
    public func keepRatioWidth(imageWidth w: Int, imageHeight h: Int) -> Int {
        var newW = Int((Double(height) / Double(h) * Double(w)).rounded(.up))
        let divisor = 16  // 1 / width_downsample_ratio
        if newW % divisor != 0 { newW = Int((Double(newW) / Double(divisor)).rounded(.toNearestOrEven)) * divisor }
        return max(minWidth, newW)
    }

    /// The CRNN's sequence length for this input width: ⌊⌊W/2⌋/2⌋ + 1 (§4.2).
    public var sequenceLength: Int { (width / 2) / 2 + 1 }

    /// What one image became: `channels × height × width` floats (channel-major) and the part
    /// of the width that holds the image.
    public struct Tensor: Sendable {
        public var values: [Float]
        public var validRatio: Float
    }

    /// Resizes, pads and normalises decoded pixels (gray when `channels == 1`).
    /// `augment` runs on the resized 8-bit-range floats before normalisation.
    public func tensor(_ pixels: Pixels, augment: ((inout [Float], Int, Int, Int) -> Void)? = nil) -> Tensor {
        precondition(pixels.channels == channels)
        var resized: Pixels
        var valid: Float = 1
        if keepRatio {
            let newW = keepRatioWidth(imageWidth: pixels.width, imageHeight: pixels.height)
            valid = min(1, Float(newW) / Float(width))
            resized = pixels.resized(width: min(width, newW), height: height)
        } else {
            resized = pixels.resized(width: width, height: height)
        }
        let rw = resized.width, cn = channels
        var planes = [Float](repeating: 0, count: cn * height * width)  // 0 = img_pad_value
        resized.data.withUnsafeBufferPointer { src in
            for y in 0..<height {
                for x in 0..<rw {
                    for c in 0..<cn { planes[(c * height + y) * width + x] = Float(src[(y * rw + x) * cn + c]) }
                }
            }
        }
        augment?(&planes, cn, height, width)
        let inv = 1 / std
        for i in planes.indices { planes[i] = (planes[i] - mean) * inv }
        resized.data = []
        return Tensor(values: planes, validRatio: valid)
    }
}
