/// What an image header says, read without decoding pixels.
public struct ImageInfo: Sendable, Equatable {
    public var format: ImageFormat
    /// Stored pixel size (before any EXIF rotation).
    public var width: Int
    public var height: Int
    /// Colour channels as stored (1 gray, 3 colour, 4 with alpha or CMYK).
    public var channels: Int
    /// EXIF Orientation (1–8), 1 when there is none.
    public var exifOrientation: Int
    /// File size in bytes.
    public var fileSize: Int

    public init(format: ImageFormat, width: Int, height: Int, channels: Int, exifOrientation: Int = 1, fileSize: Int = 0) {
        self.format = format
        self.width = width
        self.height = height
        self.channels = channels
        self.exifOrientation = exifOrientation
        self.fileSize = fileSize
    }
}
