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
    /// The fixed width when not dynamic; nil = the model's training width.
    public var width: Int?

    public init(opset: Int = 17, dynamicBatch: Bool = false, dynamicWidth: Bool = false, batch: Int = 1, width: Int? = nil) {
        self.opset = opset
        self.dynamicBatch = dynamicBatch
        self.dynamicWidth = dynamicWidth
        self.batch = batch
        self.width = width
    }

    public static let opsets = ONNXOpSet.oldestOpset...ONNXOpSet.newestOpset
}
