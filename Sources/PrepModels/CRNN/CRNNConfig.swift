/// The shape of a CRNN: input channels, classes, the seven backbone widths and the LSTM width.
/// `mmocr` is MMOCR's `crnn` (VeryDeepVgg = 1.x MiniVGG, 8.3 M parameters with 37 classes);
/// `small` halves every width (about a quarter of the multiply-adds) for fast CPU training.
/// State-dict names are the same for every shape.
public struct CRNNConfig: Equatable, Codable {
    public var inputChannels: Int
    public var numClasses: Int
    /// Output channels of conv0 … conv6.
    public var channels: [Int]
    /// Hidden size of both BiLSTMs and output size of `decoder.decoder.0.embedding`.
    public var hidden: Int
    /// The convolutions followed by a BatchNorm: MMOCR's 2, 4, 6, or all seven (`batchnorm0` …
    /// `batchnorm6`), which leaves CTC's blank plateau far sooner when training from scratch.
    public var batchNorms: [Int]

    /// MMOCR's BatchNorm placement (after conv2, conv4, conv6).
    public static let mmocrBatchNorms = [2, 4, 6]
    /// A BatchNorm after every convolution.
    public static let allBatchNorms = Array(0..<7)

    public init(inputChannels: Int = 1, numClasses: Int, channels: [Int] = [64, 128, 256, 256, 512, 512, 512],
                hidden: Int = 256, batchNorms: [Int] = CRNNConfig.mmocrBatchNorms) {
        precondition(channels.count == 7, "CRNN needs seven backbone widths (conv0 … conv6)")
        precondition(batchNorms.allSatisfy { (0..<7).contains($0) }, "BatchNorm indices are conv indices 0 … 6")
        self.inputChannels = inputChannels
        self.numClasses = numClasses
        self.channels = channels
        self.hidden = hidden
        self.batchNorms = batchNorms.sorted()
    }

    /// MMOCR's CRNN: widths 64,128,256,256,512,512,512, BiLSTM hidden 256.
    public static func mmocr(numClasses: Int, inputChannels: Int = 1) -> CRNNConfig {
        CRNNConfig(inputChannels: inputChannels, numClasses: numClasses)
    }

    /// Half widths: 32,64,128,128,256,256,256, BiLSTM hidden 128.
    public static func small(numClasses: Int, inputChannels: Int = 1) -> CRNNConfig {
        CRNNConfig(inputChannels: inputChannels, numClasses: numClasses,
                   channels: [32, 64, 128, 128, 256, 256, 256], hidden: 128)
    }

    /// The input height the backbone reduces to 1.
    public static let inputHeight = 32

    /// Output steps for an input width: T = ⌊⌊W/2⌋/2⌋ + 1 (W = 100 → 26).
    public static func sequenceLength(width: Int) -> Int { width / 2 / 2 + 1 }
}
