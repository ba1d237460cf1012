import Foundation
import PrepCore
import PrepNN
import PrepONNX

/// A DBNet checkpoint as an ONNX graph laid out as MMDeploy deploys MMOCR 1.x's DBNet
/// (lean-core.md §6.1): input `input` (N, 3, H, W), normalised RGB; output `output` (N, H, W),
/// the **probability map** P = sigmoid(binarize logits) — `DBHead.forward(mode='predict')`,
/// which MMDeploy's rewriter returns before post-processing. The threshold branch is not
/// exported (inference never reads it). Dynamic axes `batch`, `height`, `width` as MMDeploy's
/// `text-detection_dynamic.py`.
///
/// Node by node: ResNet stem Conv → BatchNormalization → Relu → MaxPool; each BasicBlock
/// Conv → BN → Relu → Conv → BN (+ downsample Conv → BN) → Add → Relu. FPNC: 1×1 lateral
/// Convs, top-down `Resize` (nearest, `asymmetric`, `floor`: PyTorch's `F.interpolate(mode=
/// 'nearest')`, lean-core.md §6.4) by scales [1, 1, 2, 2] + Add, 3×3 smooth Convs, Resize by
/// 2/4/8 to P2's size and Concat on channels. Scales rather than PyTorch's Shape/Slice/Concat
/// size glue: H and W are multiples of 32, so every ratio is exact and the graph stays the
/// same for fixed and dynamic shapes. Head: Conv → BN → Relu → ConvTranspose → BN → Relu →
/// ConvTranspose → Squeeze(1) → Sigmoid, as MMOCR's DBHead. BatchNorm is kept as nodes with the
/// running statistics. Initializers keep the state-dict names. Model config, normalisation,
/// input recipe and post-processing settings go to `metadata_props` (`metadataKeys`), so
/// `prep infer det --onnx` needs nothing else.
public struct DBNetONNXExport: ONNXExportable {
    public let network: DBNet
    public let source: String
    public var kind: String { "DBNet" }

    /// The side of the default (fixed) export: MMDeploy's DBNet static configs use 640×640.
    public static let defaultSide = 640

    /// A checkpoint of `prep train det` (model named in its metadata) or any MMOCR-layout DBNet
    /// state dict: the shape is read from the tensors (`DBNetConfig.inferred`).
    public init(checkpoint url: URL) throws {
        let file = try SafeTensors.read(path: url.path)
        let config = try DBNetConfig.inferred(from: file.tensors, source: url.path)
        let net = DBNet(config, randomize: false)
        do { try net.loadStateDict(file.tensors, source: url.path) } catch {
            throw PrepError.input(file: url.path, line: nil, reason: "not a DBNet checkpoint prep can export: \(error)")
        }
        self.init(network: net, source: url.path)
    }

    public init(network: DBNet, source: String = "model") {
        self.network = network
        self.source = source
        network.setTraining(false)
    }

    /// `metadata_props` keys: `model` (`DBNet`), `model_config` (DBNetConfig as JSON), `mean`,
    /// `std` (RGB normalisation (x − mean)/std), `input` (the test pipeline as JSON),
    /// `postprocess` (DBPostprocessor's settings as JSON), `output` (what the output holds).
    public static let metadataKeys = ["model", "model_config", "mean", "std", "input", "postprocess", "output"]

    func size(_ options: ONNXExportOptions) throws -> (height: Int, width: Int) {
        let h = options.height ?? Self.defaultSide, w = options.width ?? Self.defaultSide
        let d = DBNetConfig.sizeDivisor
        guard h > 0, w > 0, h % d == 0, w % d == 0 else {
            throw PrepError.usage("a DBNet's input height and width must be positive multiples of \(d) (got --height \(h) --width \(w))")
        }
        return (h, w)
    }

    public func onnxModel(_ options: ONNXExportOptions) throws -> Onnx_ModelProto {
        guard ONNXExportOptions.opsets.contains(options.opset) else {
            throw PrepError.usage("--opset \(options.opset) is not supported (\(ONNXExportOptions.opsets.lowerBound)–\(ONNXExportOptions.opsets.upperBound))")
        }
        let (height, width) = try size(options)
        let b = ONNXGraphBuilder(name: "main_graph", opset: options.opset)
        let batchDim: ONNXDim = options.dynamicBatch ? .named("batch") : .fixed(options.batch)
        let hDim: ONNXDim = options.dynamicHeight ? .named("height") : .fixed(height)
        let wDim: ONNXDim = options.dynamicWidth ? .named("width") : .fixed(width)
        b.input("input", dims: [batchDim, .fixed(3), hDim, wDim])

        // Backbone
        let r = network.backbone
        var x = b.conv(r.conv1, prefix: "backbone.conv1", name: "/backbone/conv1/Conv", "input")
        x = b.batchNorm(r.bn1, prefix: "backbone.bn1", name: "/backbone/bn1/BatchNormalization", x)
        x = b.op("Relu", name: "/backbone/relu/Relu", [x])
        x = b.maxPool(r.pool, name: "/backbone/maxpool/MaxPool", x)
        var stages: [String] = []
        for (s, layer) in r.layers.enumerated() {
            for (k, block) in layer.enumerated() {
                let p = "backbone.layer\(s + 1).\(k)", n = "/backbone/layer\(s + 1)/layer\(s + 1).\(k)"
                var main = b.conv(block.conv1, prefix: p + ".conv1", name: n + "/conv1/Conv", x)
                main = b.batchNorm(block.bn1, prefix: p + ".bn1", name: n + "/bn1/BatchNormalization", main)
                main = b.op("Relu", name: n + "/relu/Relu", [main])
                main = b.conv(block.conv2, prefix: p + ".conv2", name: n + "/conv2/Conv", main)
                main = b.batchNorm(block.bn2, prefix: p + ".bn2", name: n + "/bn2/BatchNormalization", main)
                var identity = x
                if let d = block.downsample {
                    identity = b.conv(d.conv, prefix: p + ".downsample.0", name: n + "/downsample/downsample.0/Conv", x)
                    identity = b.batchNorm(d.bn, prefix: p + ".downsample.1", name: n + "/downsample/downsample.1/BatchNormalization", identity)
                }
                x = b.op("Add", name: n + "/Add", [main, identity])
                x = b.op("Relu", name: n + "/relu_1/Relu", [x])
            }
            stages.append(x)
        }

        // Neck (FPNC)
        let neck = network.neck
        let roi = options.opset >= 13 ? "" : b.initializer("/neck/roi", shape: [0], floats: [])
        func upsample(_ x: String, by f: Int, name: String) -> String {
            let scales = b.initializer(name + "_scales", shape: [4], floats: [1, 1, Float(f), Float(f)])
            return b.op("Resize", name: name, [x, roi, scales], [
                ONNXAttribute.string("coordinate_transformation_mode", "asymmetric"), ONNXAttribute.float("cubic_coeff_a", -0.75),
                ONNXAttribute.string("mode", "nearest"), ONNXAttribute.string("nearest_mode", "floor")])
        }
        var merged = [String](repeating: "", count: 4)
        merged[3] = b.conv(neck.lateralConvs[3], prefix: "neck.lateral_convs.3.conv", name: "/neck/lateral_convs.3/conv/Conv", stages[3])
        for i in stride(from: 2, through: 0, by: -1) {
            let lateral = b.conv(neck.lateralConvs[i], prefix: "neck.lateral_convs.\(i).conv", name: "/neck/lateral_convs.\(i)/conv/Conv", stages[i])
            let up = upsample(merged[i + 1], by: 2, name: "/neck/Resize_\(2 - i)")
            merged[i] = b.op("Add", name: "/neck/Add_\(2 - i)", [lateral, up])
        }
        var outs: [String] = []
        for i in 0..<4 {
            let s = b.conv(neck.smoothConvs[i], prefix: "neck.smooth_convs.\(i).conv", name: "/neck/smooth_convs.\(i)/conv/Conv", merged[i])
            outs.append(i == 0 ? s : upsample(s, by: 1 << i, name: "/neck/Resize_\(2 + i)"))
        }
        x = b.op("Concat", name: "/neck/Concat", outs, [ONNXAttribute.int("axis", 1)])

        // Head: the probability branch
        let h = network.binarize, p = "det_head.binarize", n = "/det_head/binarize"
        x = b.conv(h.conv, prefix: p + ".0", name: n + "/binarize.0/Conv", x)
        x = b.batchNorm(h.bn1, prefix: p + ".1", name: n + "/binarize.1/BatchNormalization", x)
        x = b.op("Relu", name: n + "/binarize.2/Relu", [x])
        x = b.convTranspose(h.up1, prefix: p + ".3", name: n + "/binarize.3/ConvTranspose", x)
        x = b.batchNorm(h.bn2, prefix: p + ".4", name: n + "/binarize.4/BatchNormalization", x)
        x = b.op("Relu", name: n + "/binarize.5/Relu", [x])
        x = b.convTranspose(h.up2, prefix: p + ".6", name: n + "/binarize.6/ConvTranspose", x)
        x = b.squeeze(x, axes: [1], name: "/det_head/Squeeze", constant: "/det_head/Constant_output_0")
        b.node("Sigmoid", name: "/det_head/sigmoid/Sigmoid", inputs: [x], outputs: ["output"])
        b.output("output", dims: [batchDim, hDim, wDim])
        return b.model(producer: "prep", version: PrepVersion.current, metadata: metadata(),
                       doc: "DBNet exported by prep from \(URL(fileURLWithPath: source).lastPathComponent)")
    }

    func metadata() -> [String: String] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        let config = (try? String(decoding: e.encode(network.config), as: UTF8.self)) ?? ""
        return ["model": "DBNet", "model_config": config,
                "mean": "\(DetCanvas.mean)", "std": "\(DetCanvas.std)",
                "input": DBNetONNXMetadata.inputRecipe, "postprocess": DBNetONNXMetadata.postprocess(DBPostprocessor()),
                "output": "probability map (N, H, W) = sigmoid of the binarize branch, same size as the input; threshold branch not exported"]
    }

    /// Deterministic inputs in the normalised range: the export size (batch 2 when the batch is
    /// dynamic), plus a second size when an axis is dynamic (32 more on each dynamic side, batch 3).
    public func verificationInputs(_ options: ONNXExportOptions) -> [Tensor] {
        let (height, width) = (try? size(options)) ?? (Self.defaultSide, Self.defaultSide)
        var shapes = [[options.dynamicBatch ? 2 : options.batch, 3, height, width]]
        if options.dynamicHeight || options.dynamicWidth || options.dynamicBatch {
            shapes.append([options.dynamicBatch ? 3 : options.batch, 3, height + (options.dynamicHeight ? 32 : 0),
                           width + (options.dynamicWidth ? 64 : 0)])
        }
        return Self.sampleInputs(shapes, range: 2)
    }

    public func referenceOutput(_ x: Tensor) -> (shape: [Int], values: [Float]) {
        let prob = network.forward(x).prob  // (N, 1, H, W)
        return ([x.shape[0], x.shape[2], x.shape[3]], prob.values)
    }
}

/// The settings a deployed DBNet carries in `metadata_props`, as JSON texts.
public enum DBNetONNXMetadata {
    /// MMOCR's DBNet test pipeline as `prep infer det` runs it.
    public static let inputRecipe = #"{"color":"RGB","keep_ratio":true,"pad":"bottom-right zeros after normalisation","pad_size_divisor":32,"resize":"bilinear","scale":[4068,1024]}"#

    public static func postprocess(_ p: DBPostprocessor) -> String {
        "{\"mask_thr\":\(p.maskThreshold),\"max_candidates\":\(p.maxCandidates),\"min_text_score\":\(p.minTextScore),"
            + "\"min_text_width\":\(p.minTextWidth),\"text_repr_type\":\"\(p.textRepr == .quad ? "quad" : "poly")\",\"unclip_ratio\":\(p.unclipRatio)}"
    }
}

extension DBNetConfig {
    /// The shape of an MMOCR-layout DBNet state dict, read from its tensors: stage widths from
    /// `backbone.layerS.0.conv1.weight`, blocks per stage, FPNC widths from the first lateral and
    /// smooth convs. Named after the built-in configuration it equals, else `dbnet_custom`.
    public static func inferred(from tensors: [String: TensorData], source: String) throws -> DBNetConfig {
        func dim0(_ name: String) throws -> Int {
            guard let t = tensors[name], t.shape.count == 4 else {
                let hint = tensors["backbone.cnn.conv0.weight"] != nil ? " (this is a text recognizer's checkpoint)" : ""
                throw PrepError.input(file: source, line: nil, reason: "not a DBNet checkpoint\(hint): tensor '\(name)' is missing or not a 4-D conv weight")
            }
            return t.shape[0]
        }
        var widths: [Int] = [], blocks: [Int] = []
        for s in 1...4 {
            widths.append(try dim0("backbone.layer\(s).0.conv1.weight"))
            var k = 0
            while tensors["backbone.layer\(s).\(k).conv1.weight"] != nil { k += 1 }
            blocks.append(k)
        }
        let lateral = try dim0("neck.lateral_convs.0.conv.weight"), out = try dim0("neck.smooth_convs.0.conv.weight")
        var config = DBNetConfig(name: "dbnet_custom", stageWidths: widths, blocks: blocks, lateralChannels: lateral, neckChannels: out)
        if let known = [DBNetConfig.resnet18FPNC(), .small()].first(where: {
            $0.stageWidths == widths && $0.blocks == blocks && $0.lateralChannels == lateral && $0.neckChannels == out
        }) { config.name = known.name }
        return config
    }
}
