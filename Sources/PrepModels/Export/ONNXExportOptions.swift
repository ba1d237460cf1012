import PrepONNX

/// What `prep export` asks of an exporter.
public struct ONNXExportOptions: Sendable, Equatable {
    /// Default-domain opset to write (11 … 22). MMOCR/MMDeploy write 11; prep defaults to 17.
    public var opset: Int = 17
    /// Batch as the symbolic dimension `batch` (else fixed to `batch`).
    public var dynamicBatch = false
    /// Width as the symbolic dimension `width` (output `seq_len`) (else fixed to `width`).
    public var dynamicWidth = false
    /// The fixed batch when not dynamic.
    public var batch = 1
    /// The fixed width when not dynamic; nil = the model's default (CRNN: its training width,
    /// DBNet: 640).
    public var width: Int?
    /// Height as the symbolic dimension `height` (DBNet only; a CRNN's height is always 32).
    public var dynamicHeight = false
    /// The fixed height when not dynamic (DBNet only); nil = 640.
    public var height: Int?

    public init(opset: Int = 17, dynamicBatch: Bool = false, dynamicWidth: Bool = false, batch: Int = 1, width: Int? = nil,
                dynamicHeight: Bool = false, height: Int? = nil) {
        self.opset = opset
        self.dynamicBatch = dynamicBatch
        self.dynamicWidth = dynamicWidth
        self.batch = batch
        self.width = width
        self.dynamicHeight = dynamicHeight
        self.height = height
    }

    public static let opsets = ONNXOpSet.oldestOpset...ONNXOpSet.newestOpset
}
