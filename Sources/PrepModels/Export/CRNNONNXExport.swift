import Foundation
import PrepCore
import PrepNN
import PrepONNX

/// A CRNN checkpoint as an ONNX graph laid out as PyTorch's exporter writes MMOCR's CRNN
/// (`pytorch2onnx.py`; lean-core.md §6): input `input` (N, C, 32, W), output `output`
/// (N, T, classes) raw logits, dynamic axes `batch` / `width` → `seq_len`.
///
/// Node by node: per backbone stage Conv → BatchNormalization (conv2/4/6; kept as its own node
/// with the running statistics, not folded into the Conv, so the file keeps the checkpoint's
/// tensors and equals prep's forward exactly; PyTorch's eval-mode exporter folds them, and the
/// importer reads both) → Relu → MaxPool; then Squeeze(2) → Transpose(2,0,1) to (T, N, C); per
/// BiLSTM an ONNX LSTM (gate rows reordered from PyTorch's i,f,g,o to ONNX's i,o,f,c, biases
/// [b_ih; b_hh]) → Transpose(0,2,1,3) → Reshape(0,0,−1) → MatMul + Add (the Linear on a 3-D
/// input, weight stored transposed); finally Transpose(1,0,2) to (N, T, classes).
/// Initializers keep the state-dict names (`backbone.cnn.conv0.weight`, …); LSTM tensors are
/// `decoder.decoder.K.rnn.W|R|B`. The charset, normalisation and model config go to
/// `metadata_props` (keys in `metadataKeys`).
public struct CRNNONNXExport: ONNXExportable {
    public let network: CRNNRecognizer
    public let charset: Charset
    public let spec: RecogInputSpec
    public let source: String
    public var kind: String { "CRNN" }

    public init(checkpoint url: URL, dict: String?) throws {
        let (net, meta) = try CRNNRecognizer.load(checkpoint: url)
        network = net
        source = url.path
        charset = try RecogModelMetadata.charset(meta, dict: dict, source: url.path)
        try RecogModelMetadata.requireClasses(charset, classes: net.classCount, source: url.path, where: "tensor 'decoder.decoder.1.embedding.weight'", unit: "rows")
        spec = RecogModelMetadata.inputSpec(meta, channels: net.model.config.inputChannels)
        net.setTraining(false)
    }

    public init(network: CRNNRecognizer, charset: Charset, spec: RecogInputSpec, source: String = "model") {
        self.network = network
        self.charset = charset
        self.spec = spec
        self.source = source
        network.setTraining(false)
    }

    /// `metadata_props` keys: `charset` (dictionary file text, class k + 1 = line k), `lowercase`,
    /// `input` (prep's input recipe as JSON), `mean`, `std` (normalisation (x − mean)/std),
    /// `model` (`CRNN`), `model_config` (widths as JSON), `output` (what the output holds).
    public static let metadataKeys = ["charset", "lowercase", "input", "mean", "std", "model", "model_config", "output"]

    public func onnxModel(_ options: ONNXExportOptions) throws -> Onnx_ModelProto {
        guard ONNXExportOptions.opsets.contains(options.opset) else {
            throw PrepError.usage("--opset \(options.opset) is not supported (\(ONNXExportOptions.opsets.lowerBound)–\(ONNXExportOptions.opsets.upperBound))")
        }
        guard !options.dynamicHeight, options.height == nil || options.height == CRNNConfig.inputHeight else {
            throw PrepError.usage("a CRNN's input height is always \(CRNNConfig.inputHeight): --height and --dynamic-height are for DBNet")
        }
        let model = network.model, cfg = model.config
        let b = ONNXGraphBuilder(name: "main_graph", opset: options.opset)
        let width = options.width ?? spec.width
        let batchDim: ONNXDim = options.dynamicBatch ? .named("batch") : .fixed(options.batch)
        b.input("input", dims: [batchDim, .fixed(cfg.inputChannels), .fixed(CRNNConfig.inputHeight),
                                options.dynamicWidth ? .named("width") : .fixed(width)])
        var x = "input"
        var poolIndex = 0
        let vgg = model.backbone
        for i in 0..<7 {
            x = b.conv(vgg.convs[i], prefix: "backbone.cnn.conv\(i)", name: "/backbone/cnn/conv\(i)/Conv", x)
            if let bn = vgg.norms[i] {
                x = b.batchNorm(bn, prefix: "backbone.cnn.batchnorm\(i)", name: "/backbone/cnn/batchnorm\(i)/BatchNormalization", x)
            }
            x = b.op("Relu", name: "/backbone/cnn/relu\(i)/Relu", [x])
            if let pool = vgg.pools[i] {
                x = b.maxPool(pool, name: "/backbone/cnn/pooling\(poolIndex)/MaxPool", x)
                poolIndex += 1
            }
        }
        // (N, C, 1, T) → (N, C, T) → (T, N, C)
        x = b.squeeze(x, axes: [2], name: "/decoder/Squeeze", constant: "/decoder/Constant_output_0")
        x = b.op("Transpose", name: "/decoder/Transpose", [x], [ONNXAttribute.ints("perm", [2, 0, 1])])
        let flatten = b.initializer("/decoder/decoder/Constant_output_0", ints: [0, 0, -1])
        for (k, layer) in [model.decoder0, model.decoder1].enumerated() {
            let p = "decoder.decoder.\(k)", n = "/decoder/decoder/decoder.\(k)"
            let lstm = layer.rnn, h = lstm.hiddenSize, dirs = lstm.directions.count
            var w: [Float] = [], r: [Float] = [], bias: [Float] = []
            for d in lstm.directions {
                w += Self.onnxGateOrder(d.weightIH.value.values, hidden: h)
                r += Self.onnxGateOrder(d.weightHH.value.values, hidden: h)
                bias += Self.onnxGateOrder(d.biasIH.value.values, hidden: h) + Self.onnxGateOrder(d.biasHH.value.values, hidden: h)
            }
            let lstmInputs = [x, b.initializer(p + ".rnn.W", shape: [dirs, 4 * h, lstm.inputSize], floats: w),
                              b.initializer(p + ".rnn.R", shape: [dirs, 4 * h, h], floats: r),
                              b.initializer(p + ".rnn.B", shape: [dirs, 8 * h], floats: bias)]
            x = b.node("LSTM", name: n + "/rnn/LSTM", inputs: lstmInputs, outputs: [n + "/rnn/LSTM_output_0"], attributes: [
                ONNXAttribute.string("direction", dirs == 2 ? "bidirectional" : "forward"), ONNXAttribute.int("hidden_size", h)])[0]
            // Y (T, D, N, H) → (T, N, D, H) → (T, N, D·H)
            x = b.op("Transpose", name: n + "/rnn/Transpose", [x], [ONNXAttribute.ints("perm", [0, 2, 1, 3])])
            x = b.op("Reshape", name: n + "/rnn/Reshape", [x, flatten])
            let lin = layer.embedding
            let wt = Self.transposed(lin.weight.value.values, rows: lin.outFeatures, cols: lin.inFeatures)
            x = b.op("MatMul", name: n + "/embedding/MatMul", [x, b.initializer(p + ".embedding.weight_transposed", shape: [lin.inFeatures, lin.outFeatures], floats: wt)])
            x = b.op("Add", name: n + "/embedding/Add", [x, b.initializer(p + ".embedding.bias", shape: [lin.outFeatures], floats: lin.bias!.value.values)])
        }
        b.node("Transpose", name: "/decoder/Transpose_1", inputs: [x], outputs: ["output"], attributes: [ONNXAttribute.ints("perm", [1, 0, 2])])
        b.output("output", dims: [batchDim, options.dynamicWidth ? .named("seq_len") : .fixed(CRNNConfig.sequenceLength(width: width)),
                                  .fixed(cfg.numClasses)])
        return b.model(producer: "prep", version: PrepVersion.current, metadata: metadata(),
                       doc: "CRNN exported by prep from \(URL(fileURLWithPath: source).lastPathComponent)")
    }

    func metadata() -> [String: String] {
        let cfg = network.model.config
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        let config = (try? String(decoding: e.encode(cfg), as: UTF8.self)) ?? ""
        return ["charset": charset.dictionaryFile, "lowercase": String(charset.lowercase),
                "input": RecogModelMetadata.encode(spec), "mean": "\(spec.mean)", "std": "\(spec.std)",
                "model": "CRNN", "model_config": config,
                "output": "logits (N, T, classes), raw (no softmax); class 0 = CTC blank, class k = line k of charset; T = floor(floor(W/2)/2) + 1"]
    }

    /// PyTorch's gate blocks [i; f; g; o] (each `hidden` rows) → ONNX's [i; o; f; c].
    static func onnxGateOrder(_ v: [Float], hidden h: Int) -> [Float] {
        let block = v.count / 4
        precondition(block * 4 == v.count && block % h == 0)
        return [0, 3, 1, 2].flatMap { v[($0 * block)..<(($0 + 1) * block)] }
    }

    static func transposed(_ v: [Float], rows: Int, cols: Int) -> [Float] {
        var out = [Float](repeating: 0, count: v.count)
        for r in 0..<rows { for c in 0..<cols { out[c * rows + r] = v[r * cols + c] } }
        return out
    }

    /// Deterministic inputs in the normalised range: batch 2 at the export width, plus a wider
    /// batch of 3 when the width is dynamic (or batch 3 at the same width when only the batch is).
    public func verificationInputs(_ options: ONNXExportOptions) -> [Tensor] {
        let c = network.model.config.inputChannels, width = options.width ?? spec.width
        var shapes = [[options.dynamicBatch ? 2 : options.batch, c, 32, width]]
        if options.dynamicWidth { shapes.append([options.dynamicBatch ? 3 : options.batch, c, 32, width + 60]) }
        else if options.dynamicBatch { shapes.append([3, c, 32, width]) }
        return Self.sampleInputs(shapes, range: 1)
    }

    public func referenceOutput(_ x: Tensor) -> (shape: [Int], values: [Float]) {
        let out = network.model.forward(x)  // (T, N, C)
        let t = out.shape[0], n = out.shape[1], c = out.shape[2]
        var v = [Float](repeating: 0, count: out.count)
        for s in 0..<t { for b in 0..<n { for k in 0..<c { v[(b * t + s) * c + k] = out.data[(s * n + b) * c + k] } } }
        return ([n, t, c], v)
    }
}
