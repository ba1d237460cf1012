import PrepNN

/// MMOCR's CRNN backbone (`VeryDeepVgg`, 1.x `MiniVGG`, leaky_relu off), module names as its
/// `backbone.cnn.*` state dict: conv0…conv6 (bias), batchnorm2/4/6 after conv2/4/6 (or a
/// `batchnormK` after every conv K, `batchNorms`), ReLU after each, max-pools (2,2)/(2,2) after conv0 and conv1 and (2,2)/(2,1)/pad (0,1) after conv3 and
/// conv5. (N, C, 32, W) → (N, channels[6], 1, ⌊⌊W/2⌋/2⌋ + 1).
public final class VeryDeepVGG: Module {
    public let convs: [Conv2d]
    /// batchnorm2, batchnorm4, batchnorm6 (or the ones asked for) by conv index.
    public let norms: [Int: BatchNorm2d]
    public let relus: [ReLU]
    /// Pools after conv0, conv1, conv3, conv5.
    public let pools: [Int: MaxPool2d]

    public init(inputChannels: Int, channels: [Int], batchNorms: [Int] = CRNNConfig.mmocrBatchNorms) {
        let ins = [inputChannels] + channels.dropLast()
        convs = (0..<7).map { i in
            i == 6 ? Conv2d(ins[i], channels[i], kernel: (2, 2), stride: (1, 1), padding: (0, 0))
                   : Conv2d(ins[i], channels[i], kernel: (3, 3), stride: (1, 1), padding: (1, 1))
        }
        let scratch = ConvScratch()  // the convolutions run one after another: one set of work buffers
        for c in convs { c.scratch = scratch }
        norms = Dictionary(uniqueKeysWithValues: batchNorms.map { ($0, BatchNorm2d(channels[$0])) })
        relus = (0..<7).map { _ in ReLU(inPlace: true) }
        pools = [0: MaxPool2d(kernel: (2, 2), stride: (2, 2)),
                 1: MaxPool2d(kernel: (2, 2), stride: (2, 2)),
                 3: MaxPool2d(kernel: (2, 2), stride: (2, 1), padding: (0, 1)),
                 5: MaxPool2d(kernel: (2, 2), stride: (2, 1), padding: (0, 1))]
    }

    /// PyTorch's `nn.Sequential` registration order: conv0, (batchnorm), relu, pooling, …
    public func stateEntries() -> [StateEntry] {
        var e: [StateEntry] = []
        for i in 0..<7 {
            e += prefixed("conv\(i)", convs[i].stateEntries())
            if let bn = norms[i] { e += prefixed("batchnorm\(i)", bn.stateEntries()) }
        }
        return e
    }

    public private(set) var training = true
    /// Eval mode runs conv → BatchNorm → ReLU as one convolution with an epilogue
    /// (`ConvEpilogue`); false keeps the separate layers (to compare, or to call `backward`
    /// after an eval-mode forward).
    public var fusesInference = true

    public func setTraining(_ training: Bool) {
        self.training = training
        for bn in norms.values { bn.setTraining(training) }
    }

    /// MMOCR's init: Xavier for convs, U(0, 1) weights and zero bias for BN.
    public func reset(_ rng: inout RNG) {
        for c in convs { c.resetXavierNormal(&rng) }
        for i in norms.keys.sorted() {
            let bn = norms[i]!
            for j in 0..<bn.channels { bn.weight.value[j] = rng.uniform() }
            bn.bias.value.zero()
        }
    }

    public func forward(_ x: Tensor) -> Tensor {
        var h = x
        if !training && fusesInference {
            for i in 0..<7 {
                let epilogue = norms[i].map { ConvEpilogue.batchNorm($0, relu: true) } ?? .relu(channels: convs[i].outChannels)
                h = convs[i].forward(h, epilogue: epilogue)
                if let p = pools[i] { h = p.forward(h, keepsArgmax: false) }
            }
            return h
        }
        for i in 0..<7 {
            h = convs[i].forward(h)
            if let bn = norms[i] { h = bn.forward(h) }
            h = relus[i].forward(h)
            if let p = pools[i] { h = p.forward(h, keepsArgmax: training) }
        }
        return h
    }

    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor {
        var g = dy
        for i in stride(from: 6, through: 0, by: -1) {
            if let p = pools[i] { g = p.backward(g) }
            g = relus[i].backward(g)
            if let bn = norms[i] { g = bn.backward(g) }
            g = convs[i].backward(g)
        }
        return g
    }

    /// Per-layer names for profiling, in forward order.
    public var layerNames: [String] {
        (0..<7).flatMap { i -> [String] in
            ["conv\(i)"] + (norms[i] != nil ? ["batchnorm\(i)"] : []) + ["relu\(i)"] + (pools[i] != nil ? ["pooling\(i)"] : [])
        }
    }
}
