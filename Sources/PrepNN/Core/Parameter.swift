/// A trainable tensor and its gradient, same shape. Layers' `backward` **adds** into `grad`
/// (as PyTorch accumulates), so the trainer calls `zeroGrad` (or the optimizer's) before each
/// batch.
public final class Parameter {
    /// The PyTorch state-dict name relative to its layer ("weight", "bias_ih_l0", …).
    /// Modules prefix it (`StateEntry`), so optimizers and checkpoints see full names.
    public let name: String
    public let value: Tensor
    public let grad: Tensor

    public init(_ name: String, shape: [Int]) {
        self.name = name
        value = Tensor(shape: shape)
        grad = Tensor(shape: shape)
    }

    public func zeroGrad() { grad.zero() }
}

/// A boxed 64-bit integer that lives in a state dict (BatchNorm's `num_batches_tracked`, an
/// optimizer's step count, an RNG state), saved as safetensors I64 with shape [].
public final class Int64Box {
    public var value: Int64
    public init(_ value: Int64 = 0) { self.value = value }
}

/// One tensor of a state dict: a parameter, a float buffer (running statistics, optimizer
/// moments) or an integer counter.
public enum StateSlot {
    case parameter(Parameter)
    case buffer(Tensor)
    case counter(Int64Box)

    /// The float tensor behind a parameter or buffer; nil for a counter.
    public var tensor: Tensor? {
        switch self {
        case .parameter(let p): return p.value
        case .buffer(let t): return t
        case .counter: return nil
        }
    }
}

/// A named state-dict slot. Names are PyTorch's, e.g. `backbone.cnn.conv0.weight`.
public struct StateEntry {
    public var name: String
    public var slot: StateSlot
    public init(_ name: String, _ slot: StateSlot) { self.name = name; self.slot = slot }
}

/// Anything that holds state-dict tensors: a layer, a model, an optimizer.
public protocol Module: AnyObject {
    /// Every state-dict tensor in PyTorch registration order, names relative to this module.
    func stateEntries() -> [StateEntry]
    /// Train mode (batch statistics, dropout on) or eval mode. Default: a no-op.
    func setTraining(_ training: Bool)
}

extension Module {
    public func setTraining(_ training: Bool) {}

    /// The trainable parameters, in state-dict order, each with its full name.
    public func namedParameters() -> [(name: String, parameter: Parameter)] {
        stateEntries().compactMap { e in
            if case .parameter(let p) = e.slot { return (e.name, p) }
            return nil
        }
    }

    public var parameters: [Parameter] { namedParameters().map(\.parameter) }

    /// The number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}

/// Prefixes every entry's name: `prefixed("conv0", conv.stateEntries())` → `conv0.weight`.
public func prefixed(_ prefix: String, _ entries: [StateEntry]) -> [StateEntry] {
    entries.map { StateEntry(prefix.isEmpty ? $0.name : prefix + "." + $0.name, $0.slot) }
}

/// The state entries of a layer with a `weight` and an optional `bias` (Linear, Conv2d,
/// ConvTranspose2d), in PyTorch's order.
func weightAndBias(_ weight: Parameter, _ bias: Parameter?) -> [StateEntry] {
    [StateEntry("weight", .parameter(weight))] + (bias.map { [StateEntry("bias", .parameter($0))] } ?? [])
}

/// PyTorch's default init of such a layer: U(±1/√fanIn) on the weight and the bias.
func resetUniform(_ weight: Parameter, _ bias: Parameter?, fanIn: Int, _ rng: inout RNG) {
    let bound = 1 / Float(fanIn).squareRoot()
    for i in 0..<weight.value.count { weight.value[i] = rng.uniform(-bound, bound) }
    if let b = bias { for i in 0..<b.value.count { b.value[i] = rng.uniform(-bound, bound) } }
    weight.value.markChanged()
}
