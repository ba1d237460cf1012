/// Moves a module's state entries to and from safetensors tensors by their PyTorch names:
/// parameters and buffers as F32, counters as I64 with shape [].
public enum StateDictIO {
    /// A snapshot of the entries' current values.
    public static func tensors(of entries: [StateEntry]) -> [String: TensorData] {
        var out: [String: TensorData] = [:]
        for e in entries {
            switch e.slot {
            case .counter(let c): out[e.name] = TensorData(i64: [c.value], shape: [])
            case .parameter, .buffer:
                let t = e.slot.tensor!
                out[e.name] = TensorData(f32: t.values, shape: t.shape)
            }
        }
        return out
    }

    /// Copies tensors into the entries. Every entry must be present with its exact shape and
    /// dtype; with `strict`, a tensor no entry names is an error too (another architecture or
    /// charset). Nothing is changed unless everything matches.
    public static func load(_ tensors: [String: TensorData], into entries: [StateEntry], source: String,
                            strict: Bool = true) throws {
        func fail(_ name: String, _ m: String) -> SafeTensorsError {
            SafeTensorsError(source: source, tensor: name, message: m)
        }
        for e in entries {
            guard let t = tensors[e.name] else { throw fail(e.name, "missing from the file") }
            switch e.slot {
            case .counter:
                guard t.dtype == "I64", t.count == 1 else {
                    throw fail(e.name, "expected I64 with shape [], found \(t.dtype) \(t.shape)")
                }
            case .parameter, .buffer:
                let want = e.slot.tensor!.shape
                guard t.dtype == "F32" else { throw fail(e.name, "expected F32, found \(t.dtype)") }
                guard t.shape == want else { throw fail(e.name, "shape \(t.shape) in the file, the model expects \(want)") }
            }
        }
        if strict {
            let known = Set(entries.map(\.name))
            if let extra = tensors.keys.sorted().first(where: { !known.contains($0) }) {
                throw fail(extra, "not part of this model")
            }
        }
        for e in entries {
            let t = tensors[e.name]!
            switch e.slot {
            case .counter(let c): c.value = t.int64s![0]
            case .parameter, .buffer: e.slot.tensor!.set(t.floats!)
            }
        }
    }
}

extension Module {
    /// The module's state dict as safetensors tensors (PyTorch names).
    public func stateDict() -> [String: TensorData] { StateDictIO.tensors(of: stateEntries()) }

    /// Loads a state dict; errors name the first mismatched tensor.
    public func loadStateDict(_ tensors: [String: TensorData], source: String, strict: Bool = true) throws {
        try StateDictIO.load(tensors, into: stateEntries(), source: source, strict: strict)
    }
}
