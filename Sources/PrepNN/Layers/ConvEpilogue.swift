/// What an inference convolution applies to each output channel as it writes the output:
/// y = act(x·scale[c] + shift[c]), act = ReLU or identity. It carries an eval-mode BatchNorm
/// (scale γ/√(σ²+ε), shift β − μ·scale) and the ReLU after it, so `Conv2d.forward(_:epilogue:)`
/// replaces conv → BatchNorm → ReLU (three passes over the output) by the GEMM and one pass,
/// which on the grouped path is the copy the GEMM's layout needs anyway.
public struct ConvEpilogue {
    /// Per-channel factors (nil: 1) and offsets.
    public let scale: [Float]?
    public let shift: [Float]
    public let relu: Bool
    public var channels: Int { shift.count }

    public init(scale: [Float]?, shift: [Float], relu: Bool) {
        precondition(scale == nil || scale!.count == shift.count, "ConvEpilogue: \(scale!.count) scales for \(shift.count) shifts")
        self.scale = scale
        self.shift = shift
        self.relu = relu
    }

    /// ReLU alone (the conv's bias is added by `Conv2d`).
    public static func relu(channels: Int) -> ConvEpilogue {
        ConvEpilogue(scale: nil, shift: [Float](repeating: 0, count: channels), relu: true)
    }

    /// An eval-mode BatchNorm (its running statistics), then ReLU when `relu`.
    public static func batchNorm(_ bn: BatchNorm2d, relu: Bool) -> ConvEpilogue {
        let (scale, shift) = bn.evalAffine()
        return ConvEpilogue(scale: scale, shift: shift, relu: relu)
    }

    /// The same map applied to conv + `bias`: shift' = bias·scale + shift.
    func including(bias: Tensor?) -> ConvEpilogue {
        guard let bias else { return self }
        var s = shift
        for c in 0..<s.count { s[c] += bias[c] * (scale?[c] ?? 1) }
        return ConvEpilogue(scale: scale, shift: s, relu: relu)
    }

    /// In place over the planes of `channels` (`planeSize` floats each, contiguous from `y`,
    /// which is the plane of `channels.lowerBound`).
    func apply(_ y: UnsafeMutablePointer<Float>, channels: Range<Int>, planeSize l: Int) {
        for c in channels {
            let p = y + (c - channels.lowerBound) * l
            apply(from: p, to: p, channel: c, count: l)
        }
    }

    /// `count` values of channel `channel` from `src` to `dst` (the same pointer is fine).
    @inline(__always)
    func apply(from src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>, channel c: Int, count: Int) {
        let a = scale?[c] ?? 1, b = shift[c]
        let va = SIMD16<Float>(repeating: a), vb = SIMD16<Float>(repeating: b), zero = SIMD16<Float>(repeating: 0)
        var j = 0
        if relu {
            while j + 16 <= count {
                let v = UnsafeRawPointer(src + j).loadUnaligned(as: SIMD16<Float>.self) * va + vb
                UnsafeMutableRawPointer(dst + j).storeBytes(of: v.replacing(with: zero, where: v .< zero), as: SIMD16<Float>.self)
                j += 16
            }
            while j < count { let v = src[j] * a + b; dst[j] = v < 0 ? 0 : v; j += 1 }
        } else {
            while j + 16 <= count {
                let v = UnsafeRawPointer(src + j).loadUnaligned(as: SIMD16<Float>.self) * va + vb
                UnsafeMutableRawPointer(dst + j).storeBytes(of: v, as: SIMD16<Float>.self)
                j += 16
            }
            while j < count { dst[j] = src[j] * a + b; j += 1 }
        }
    }
}
