import PrepCore

/// One recognition sample cut from an image: encoded crop and transcription.
public struct RecogCrop: Sendable {
    /// File name of the crop, possibly with folders (`img_1_3.png`, `training/img_1_3.png`).
    public var name: String
    public var text: String
    /// Whether the vertical rule sent it to `ignores/` instead of the training crops.
    public var diverted: Bool
    /// The encoded image (PNG or JPEG).
    public var bytes: [UInt8]
    public var width: Int
    public var height: Int

    public init(name: String, text: String, diverted: Bool, bytes: [UInt8], width: Int, height: Int) {
        self.name = name
        self.text = text
        self.diverted = diverted
        self.bytes = bytes
        self.width = width
        self.height = height
    }
}

/// Where recognition crops go: crop files plus label files (`LabelFileSink`), or an LMDB
/// (plugged in by the LMDB writer). Crops arrive in input order, split by split, on one thread.
public protocol RecogSink: AnyObject {
    /// Starts a split (opens its label file).
    func begin(split: String) throws
    /// Adds one crop of the current split.
    func add(_ crop: RecogCrop) throws
    /// Ends the current split; returns the outputs written for it (relative paths).
    func end() throws -> [String]
}
