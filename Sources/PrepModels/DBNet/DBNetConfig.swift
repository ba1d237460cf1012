/// The shape of a DBNet: ResNet stage widths and depths, FPNC widths. The head's input is the
/// neck's concatenation (4 · neckChannels) and its inner width a quarter of that, as MMOCR's
/// `DBHead(in_channels)`. State-dict names are the same for every shape.
public struct DBNetConfig: Equatable, Codable {
    /// "dbnet_resnet18_fpnc" or "dbnet_small"; stored in checkpoints to refuse another model.
    public var name: String
    /// Output channels of layer1 … layer4 (the stem has stageWidths[0]).
    public var stageWidths: [Int]
    /// BasicBlocks per stage.
    public var blocks: [Int]
    /// FPNC `lateral_channels` and `out_channels`.
    public var lateralChannels: Int
    public var neckChannels: Int
    /// mmdet's `norm_eval`: every backbone BatchNorm uses running statistics and gets no
    /// gradient (for fine-tuning a pretrained backbone). MMOCR's config: false.
    public var normEval: Bool
    /// The differentiable binarisation's amplification k.
    public var k: Float

    public init(name: String, stageWidths: [Int], blocks: [Int], lateralChannels: Int, neckChannels: Int,
                normEval: Bool = false, k: Float = 50) {
        precondition(stageWidths.count == 4 && blocks.count == 4 && blocks.allSatisfy { $0 >= 1 },
                     "DBNet needs four ResNet stages with at least one block each")
        self.name = name
        self.stageWidths = stageWidths
        self.blocks = blocks
        self.lateralChannels = lateralChannels
        self.neckChannels = neckChannels
        self.normEval = normEval
        self.k = k
    }

    /// MMOCR 1.x `dbnet_resnet18_fpnc`: ResNet-18 (64,128,256,512 × 2 blocks), FPNC lateral 256
    /// and out 64 (head input 256, inner 64). 12,340,930 parameters.
    public static func resnet18FPNC() -> DBNetConfig {
        DBNetConfig(name: "dbnet_resnet18_fpnc", stageWidths: [64, 128, 256, 512], blocks: [2, 2, 2, 2],
                    lateralChannels: 256, neckChannels: 64)
    }

    /// The CPU-friendly option: ResNet-18's layout at half width (32,64,128,256 × 2 blocks),
    /// FPNC lateral 64 and out 32 (head input 128, inner 32). About a fifth of the full model's
    /// multiply-adds; figures in the README ("DBNet models").
    public static func small() -> DBNetConfig {
        DBNetConfig(name: "dbnet_small", stageWidths: [32, 64, 128, 256], blocks: [2, 2, 2, 2],
                    lateralChannels: 64, neckChannels: 32)
    }

    /// The configurations by name (checkpoints store the name).
    public static func named(_ name: String) -> DBNetConfig? {
        [resnet18FPNC(), small()].first { $0.name == name }
    }

    /// Channels entering the head: the neck's four outputs concatenated.
    public var headChannels: Int { 4 * neckChannels }

    /// Input sides must be multiples of this (the backbone's stride).
    public static let sizeDivisor = 32
}
