import PrepCore

/// The settings of a training run as hand-written YAML (flat keys, JSON-style quoted strings,
/// which YAML reads as they are), shared by `prep train recog` and `prep train det` so both
/// `config.yaml` files spell their common keys the same way.
struct RunConfigYAML {
    private let json = PyJSON(ensureASCII: false)

    func string(_ s: String) -> String { json.string(.string(s)) }
    func list(_ a: [String]) -> String { a.isEmpty ? " []" : "\n" + a.map { "  - " + string($0) }.joined(separator: "\n") }
    func number(_ d: Double) -> String { PyJSON.pythonRepr(d) }

    /// The header comment and the keys every trainer has, in this order.
    func common(command: String, model: String, train: [String], val: [String], images: String?, epochs: Int?, steps: Int?,
                batchSize: Int, optimizer: String, learningRate: Double, schedule: String, warmupSteps: Int,
                clipNorm: Double?) -> [String] {
        [
            "# prep train \(command) — the settings of this run (the resumable checkpoint holds the same as JSON)",
            "model: \(string(model))",
            "train:\(list(train))",
            "val:\(list(val))",
            "images: \(images.map(string) ?? "null")",
            "epochs: \(epochs.map(String.init) ?? "null")",
            "steps: \(steps.map(String.init) ?? "null")",
            "batch_size: \(batchSize)",
            "optimizer: \(string(optimizer))",
            "learning_rate: \(number(learningRate))",
            "schedule: \(string(schedule))",
            "warmup_steps: \(warmupSteps)",
            "clip_norm: \(clipNorm.map(number) ?? "null")",
        ]
    }
}
