import Foundation

/// One-layer LSTM over a sequence-first input (T, N, In) → (T, N, D·H), D = 2 when
/// bidirectional (PyTorch `nn.LSTM(In, H, bidirectional:)`, zero initial state). Gate rows are
/// stacked [i; f; g; o] and both biases are kept, as in PyTorch, so state-dict names are
/// `weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0` and the same with `_reverse`.
/// The reverse direction runs t = T−1 → 0 and writes features [H, 2H).
///
/// Forward keeps a reference to its input for backward (do not overwrite it in between) plus
/// the activated gates and cell states of every step.
public final class LSTM: Module {
    public let inputSize: Int, hiddenSize: Int, bidirectional: Bool
    /// Per direction: weight_ih [4H, In], weight_hh [4H, H], bias_ih [4H], bias_hh [4H].
    public let directions: [Direction]
    public let output = Tensor(shape: [0])
    public let gradInput = Tensor(shape: [0])
    private var input: Tensor?
    /// Out of training mode (`setTraining(false)`) the weights are packed once for prep's own
    /// GEMM (`PackedKernels.enabled`, `PackedWeights`): the input projection of all steps and,
    /// with more than one sequence, each step's recurrent product read them once per call
    /// instead of OpenBLAS packing them again. Training multiplies through `sgemm`.
    public private(set) var training = true

    public func setTraining(_ training: Bool) { self.training = training }

    public final class Direction {
        public let reverse: Bool
        public let weightIH: Parameter, weightHH: Parameter, biasIH: Parameter, biasHH: Parameter
        /// Activated gates (T, N, 4H), cell states (T, N, H), hidden states (T, N, H).
        let gates = Tensor(shape: [0]), cells = Tensor(shape: [0]), hidden = Tensor(shape: [0])
        let dGates = Tensor(shape: [0]), dh = Tensor(shape: [0]), dc = Tensor(shape: [0])
        /// This direction's share of the input gradient (the two are summed).
        let dInput = Tensor(shape: [0])
        /// weight_ih and weight_hh packed for inference.
        let packedIH = PackedWeights(), packedHH = PackedWeights()

        init(input: Int, hidden h: Int, reverse: Bool) {
            self.reverse = reverse
            let s = reverse ? "_reverse" : ""
            weightIH = Parameter("weight_ih_l0" + s, shape: [4 * h, input])
            weightHH = Parameter("weight_hh_l0" + s, shape: [4 * h, h])
            biasIH = Parameter("bias_ih_l0" + s, shape: [4 * h])
            biasHH = Parameter("bias_hh_l0" + s, shape: [4 * h])
        }
        var params: [Parameter] { [weightIH, weightHH, biasIH, biasHH] }
    }

    public init(inputSize: Int, hiddenSize: Int, bidirectional: Bool = true) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.bidirectional = bidirectional
        directions = bidirectional
            ? [Direction(input: inputSize, hidden: hiddenSize, reverse: false),
               Direction(input: inputSize, hidden: hiddenSize, reverse: true)]
            : [Direction(input: inputSize, hidden: hiddenSize, reverse: false)]
    }

    /// PyTorch's order: weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, then `_reverse`.
    public func stateEntries() -> [StateEntry] {
        directions.flatMap { d in d.params.map { StateEntry($0.name, .parameter($0)) } }
    }

    /// PyTorch's init: U(±1/√H) for every weight and bias.
    public func resetPyTorchDefault(_ rng: inout RNG) {
        let bound = 1 / Float(hiddenSize).squareRoot()
        for d in directions {
            for p in d.params { for i in 0..<p.value.count { p.value[i] = rng.uniform(-bound, bound) } }
        }
    }

    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.shape.count == 3 && x.shape[2] == inputSize,
                     "LSTM expects (T,N,\(inputSize)), got \(x.shape)")
        input = x
        let t = x.shape[0], n = x.shape[1], h = hiddenSize, dn = directions.count
        output.resize([t, n, dn * h])
        // The two directions are independent: one thread each (single-threaded BLAS inside).
        let concurrent = dn > 1 && Threads.count > 1
        Threads.parallelFor(concurrent ? dn : 1) { task in
            for di in (concurrent ? task..<(task + 1) : 0..<dn) {
                self.forwardDirection(self.directions[di], x: x, t: t, n: n, column: di * h, split: !concurrent)
            }
        }
        return output
    }

    /// `split`: split big GEMMs over the engine's threads (when directions do not run concurrently).
    private func forwardDirection(_ d: Direction, x: Tensor, t steps: Int, n: Int, column: Int, split: Bool) {
        let h = hiddenSize, g4 = 4 * h, width = directions.count * h
        d.gates.resize([steps, n, g4])
        d.cells.resize([steps, n, h])
        d.hidden.resize([steps, n, h])
        let gates = d.gates.data, cells = d.cells.data, hid = d.hidden.data, out = output.data
        // All input projections at once: (T·N, In) · W_ihᵀ + b_ih + b_hh.
        let bih = d.biasIH.value.data, bhh = d.biasHH.value.data
        for r in 0..<steps * n {
            let row = gates + r * g4
            for j in 0..<g4 { row[j] = bih[j] + bhh[j] }
        }
        if !training && PackedKernels.pays(columns: steps * n) {
            // gates (T·N × 4H) += X · W_ihᵀ, i.e. W_ih · Xᵀ stored transposed
            let w = d.packedIH.update(from: d.weightIH.value, m: g4, k: inputSize)
            if split {
                w.multiplyParallel(b: x.data, ldb: inputSize, transB: true, n: steps * n, c: gates, ldc: g4, transC: true,
                                   accumulate: true)
            } else {
                w.multiply(rows: 0..<g4, b: x.data, ldb: inputSize, transB: true, n: steps * n, c: gates, ldc: g4,
                           transC: true, accumulate: true)
            }
        } else {
            LSTM.gemm(split, transB: true, m: steps * n, n: g4, k: inputSize, a: x.data, lda: inputSize,
                      b: d.weightIH.value.data, ldb: inputSize, beta: 1, c: gates, ldc: g4)
        }
        // one sequence: a GEMV per step (`sgemm`), which beats the packed kernel at one column
        let recurrent = !training && n > 1 && PackedKernels.pays(columns: n)
            ? d.packedHH.update(from: d.weightHH.value, m: g4, k: h) : nil
        for s in 0..<steps {
            let t = d.reverse ? steps - 1 - s : s
            let prev = d.reverse ? t + 1 : t - 1
            let gt = gates + t * n * g4
            if s > 0, let recurrent {
                recurrent.multiply(rows: 0..<g4, b: hid + prev * n * h, ldb: h, transB: true, n: n, c: gt, ldc: g4,
                                   transC: true, accumulate: true)
            } else if s > 0 {
                sgemm(transB: true, m: n, n: g4, k: h, a: hid + prev * n * h, lda: h,
                      b: d.weightHH.value.data, ldb: h, beta: 1, c: gt, ldc: g4)
            }
            let first = s == 0
            do {
                for b in 0..<n {
                    let g = gt + b * g4
                    let c = cells + (t * n + b) * h, hh = hid + (t * n + b) * h
                    let cp = cells + (prev * n + b) * h
                    let o = out + (t * n + b) * width + column
                    // eight hidden units at a time (SIMDMath), the rest one by one
                    var j = 0
                    while j + 8 <= h {
                        let ig = SIMDMath.sigmoid(SIMDMath.load(g + j)), fg = SIMDMath.sigmoid(SIMDMath.load(g + h + j))
                        let gg = SIMDMath.tanh(SIMDMath.load(g + 2 * h + j)), og = SIMDMath.sigmoid(SIMDMath.load(g + 3 * h + j))
                        SIMDMath.store(ig, g + j); SIMDMath.store(fg, g + h + j)
                        SIMDMath.store(gg, g + 2 * h + j); SIMDMath.store(og, g + 3 * h + j)
                        let cv = (first ? ig * gg : fg * SIMDMath.load(cp + j) + ig * gg)
                        SIMDMath.store(cv, c + j)
                        let hv = og * SIMDMath.tanh(cv)
                        SIMDMath.store(hv, hh + j)
                        SIMDMath.store(hv, o + j)
                        j += 8
                    }
                    for j in j..<h {
                        let ig = sigmoid(g[j]), fg = sigmoid(g[h + j])
                        let gg = tanhf(g[2 * h + j]), og = sigmoid(g[3 * h + j])
                        g[j] = ig; g[h + j] = fg; g[2 * h + j] = gg; g[3 * h + j] = og
                        let cv = (first ? 0 : fg * cp[j]) + ig * gg
                        c[j] = cv
                        let hv = og * tanhf(cv)
                        hh[j] = hv
                        o[j] = hv
                    }
                }
            }
        }
    }

    /// Adds the parameter gradients for `dy` (T, N, D·H) and returns the input gradient.
    @discardableResult
    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("LSTM.backward before forward") }
        precondition(dy.shape == output.shape, "LSTM.backward: dy \(dy.shape) ≠ output \(output.shape)")
        let steps = x.shape[0], n = x.shape[1], h = hiddenSize, dn = directions.count
        gradInput.resize(x.shape)
        let concurrent = dn > 1 && Threads.count > 1
        Threads.parallelFor(concurrent ? dn : 1) { task in
            for di in (concurrent ? task..<(task + 1) : 0..<dn) {
                self.backwardDirection(self.directions[di], x: x, dy: dy, t: steps, n: n, column: di * h, split: !concurrent)
            }
        }
        let out = gradInput.data, count = gradInput.count
        let parts = directions.map { $0.dInput.data }
        Threads.parallelChunks(count, minChunk: 1 << 14) { r in
            for j in r {
                var v = parts[0][j]
                for p in parts.dropFirst() { v += p[j] }
                out[j] = v
            }
        }
        return gradInput
    }

    private func backwardDirection(_ d: Direction, x: Tensor, dy: Tensor, t steps: Int, n: Int,
                                   column: Int, split: Bool) {
        let h = hiddenSize, g4 = 4 * h, width = directions.count * h
        d.dGates.resize([steps, n, g4])
        d.dh.resize([n, h]); d.dh.zero()
        d.dc.resize([n, h]); d.dc.zero()
        let gates = d.gates.data, cells = d.cells.data, hid = d.hidden.data
        let dG = d.dGates.data, dhNext = d.dh.data, dcNext = d.dc.data, g = dy.data
        for s in stride(from: steps - 1, through: 0, by: -1) {
            let t = d.reverse ? steps - 1 - s : s
            let prev = d.reverse ? t + 1 : t - 1
            let first = s == 0
            do {
                for b in 0..<n {
                    let ga = gates + (t * n + b) * g4, dga = dG + (t * n + b) * g4
                    let c = cells + (t * n + b) * h, cp = cells + (prev * n + b) * h
                    let dyr = g + (t * n + b) * width + column
                    let dhn = dhNext + b * h, dcn = dcNext + b * h
                    for j in 0..<h {
                        let ig = ga[j], fg = ga[h + j], gg = ga[2 * h + j], og = ga[3 * h + j]
                        let tc = tanhf(c[j])
                        let dhv = dyr[j] + dhn[j]
                        let dov = dhv * tc
                        let dcv = dhv * og * (1 - tc * tc) + dcn[j]
                        let cprev: Float = first ? 0 : cp[j]
                        dga[j] = dcv * gg * ig * (1 - ig)
                        dga[h + j] = dcv * cprev * fg * (1 - fg)
                        dga[2 * h + j] = dcv * ig * (1 - gg * gg)
                        dga[3 * h + j] = dov * og * (1 - og)
                        dcn[j] = dcv * fg
                    }
                }
            }
            if !first {
                // dh_prev (N×H) = dG_t (N×4H) · W_hh (4H×H)
                sgemm(m: n, n: h, k: g4, a: dG + t * n * g4, lda: g4, b: d.weightHH.value.data, ldb: h,
                      c: dhNext, ldc: h)
            }
        }
        if steps > 1 {
            // dW_hh += Σ_t dG_tᵀ · h_prev(t), one GEMM over the T−1 steps that have a previous state.
            let dGStart = d.reverse ? 0 : 1, hStart = d.reverse ? 1 : 0
            LSTM.gemm(split, transA: true, m: g4, n: h, k: (steps - 1) * n, a: dG + dGStart * n * g4, lda: g4,
                      b: hid + hStart * n * h, ldb: h, beta: 1, c: d.weightHH.grad.data, ldc: h)
        }
        LSTM.gemm(split, transA: true, m: g4, n: inputSize, k: steps * n, a: dG, lda: g4, b: x.data, ldb: inputSize,
                  beta: 1, c: d.weightIH.grad.data, ldc: inputSize)
        let gbi = d.biasIH.grad.data, gbh = d.biasHH.grad.data
        // Bias gradients: column sums of dG, row by row (contiguous reads).
        d.dh.resize([g4]); d.dh.zero()
        let colSum = d.dh.data
        for row in 0..<steps * n {
            let r = dG + row * g4
            for j in 0..<g4 { colSum[j] += r[j] }
        }
        for j in 0..<g4 { gbi[j] += colSum[j]; gbh[j] += colSum[j] }
        d.dInput.resize(x.shape)
        LSTM.gemm(split, m: steps * n, n: inputSize, k: g4, a: dG, lda: g4, b: d.weightIH.value.data, ldb: inputSize,
                  c: d.dInput.data, ldc: inputSize)
    }
}

extension LSTM {
    /// A GEMM split over the engine's threads, or one single-threaded call inside a thread.
    @inline(__always)
    static func gemm(_ split: Bool, transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if split {
            gemmRows(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        } else {
            sgemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }
}

@inline(__always) func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }
