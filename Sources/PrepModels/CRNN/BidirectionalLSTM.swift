import PrepNN

/// MMOCR's `BidirectionalLSTM(nIn, nHidden, nOut)`: `rnn` = bidirectional one-layer LSTM,
/// `embedding` = Linear(2·nHidden, nOut) applied to every step. (T, N, nIn) → (T, N, nOut).
public final class BidirectionalLSTM: Module {
    public let rnn: LSTM
    public let embedding: Linear

    public init(inputSize: Int, hiddenSize: Int, outputSize: Int) {
        rnn = LSTM(inputSize: inputSize, hiddenSize: hiddenSize, bidirectional: true)
        embedding = Linear(2 * hiddenSize, outputSize)
    }

    public func stateEntries() -> [StateEntry] {
        prefixed("rnn", rnn.stateEntries()) + prefixed("embedding", embedding.stateEntries())
    }

    public func reset(_ rng: inout RNG) {
        rnn.resetPyTorchDefault(&rng)
        embedding.resetPyTorchDefault(&rng)
    }

    public func forward(_ x: Tensor) -> Tensor { embedding.forward(rnn.forward(x)) }

    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor { rnn.backward(embedding.backward(dy)) }
}
