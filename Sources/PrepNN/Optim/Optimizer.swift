/// A first-order optimizer over named parameters. Its state (moments, step count) is exposed as
/// state-dict entries named `<parameter name>.<state>` plus `step`, so a trainer can save it in
/// a safetensors file and restore it exactly (`StateDictIO`).
public protocol Optimizer: Module {
    /// The learning rate the next `step` uses (a schedule sets it before each step).
    var learningRate: Float { get set }
    /// The parameters, in the order given at creation.
    var parameters: [Parameter] { get }
    /// Applies one update from the parameters' gradients (does not zero them).
    func step()
}

extension Optimizer {
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }
}
