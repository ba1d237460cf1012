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
    /// Set once the sink has stored `bytes` from a worker thread (they are then dropped).
    public var stored = false
    /// The image's lexicon (SVT: comma-separated candidate words), for label lines that carry it.
    public var lexicon: String?

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
    /// Called on worker threads, in any order, before `add`: a sink whose storage does not
    /// depend on order (crop files) stores the bytes here, in parallel, and returns true.
    func storeConcurrently(_ crop: RecogCrop) throws -> Bool
    /// Adds one crop of the current split, in input order.
    func add(_ crop: RecogCrop) throws
    /// Ends the current split; returns the outputs written for it (relative paths).
    func end() throws -> [String]
}

extension RecogSink {
    /// By default everything happens in `add` (an LMDB keeps its keys in order).
    public func storeConcurrently(_ crop: RecogCrop) throws -> Bool { false }
}
