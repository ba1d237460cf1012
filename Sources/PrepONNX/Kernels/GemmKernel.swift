import PrepNN

/// `Gemm`: Y = α·A′·B′ + β·C, A and B 2-D, C broadcast to (M, N).
final class GemmKernel: ONNXKernel {
    let transA: Bool, transB: Bool, alpha: Float, beta: Float
    let output = Tensor(shape: [0])

    init(_ ctx: ONNXKernelContext) throws {
        let node = ctx.node
        try node.onlyAttributes(["alpha", "beta", "transA", "transB", "broadcast"])
        transA = try node.int("transA", default: 0) != 0
        transB = try node.int("transB", default: 0) != 0
        alpha = try node.float("alpha", default: 1)
        beta = try node.float("beta", default: 1)
    }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let a = try inputs.float(0, "A"), b = try inputs.float(1, "B")
        guard a.shape.count == 2, b.shape.count == 2 else { throw KernelFailure("A \(a.shape) and B \(b.shape) must be 2-D") }
        let m = transA ? a.shape[1] : a.shape[0], k = transA ? a.shape[0] : a.shape[1]
        let kb = transB ? b.shape[1] : b.shape[0], n = transB ? b.shape[0] : b.shape[1]
        guard k == kb else { throw KernelFailure("A \(a.shape) and B \(b.shape) do not multiply (transA \(transA), transB \(transB))") }
        output.resize([m, n])
        var cBeta: Float = 0
        if inputs.count > 2, let cv = inputs[2], beta != 0 {
            let c = cv.floatTensor()
            let cs = c.shape
            let rows: Int, cols: Int
            switch cs.count {
            case 0: (rows, cols) = (1, 1)
            case 1: (rows, cols) = (1, cs[0])
            case 2: (rows, cols) = (cs[0], cs[1])
            default: throw KernelFailure("C has shape \(cs), not broadcastable to [\(m), \(n)]")
            }
            guard rows == 1 || rows == m, cols == 1 || cols == n else {
                throw KernelFailure("C has shape \(cs), not broadcastable to [\(m), \(n)]")
            }
            for i in 0..<m {
                for j in 0..<n { output.data[i * n + j] = c.data[(rows == 1 ? 0 : i) * cols + (cols == 1 ? 0 : j)] }
            }
            cBeta = beta
        }
        gemmRows(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a.data, lda: a.shape[1],
                 b: b.data, ldb: b.shape[1], beta: cBeta, c: output.data, ldc: n)
        return [.float(output)]
    }
}

/// `MatMul` with numpy semantics for the cases exporters write: A (…, M, K) · B (K, N), and
/// batched A (…, M, K) · B (…, K, N) with equal batch dimensions.
final class MatMulKernel: ONNXKernel {
    let output = Tensor(shape: [0])

    init(_ ctx: ONNXKernelContext) throws { try ctx.node.onlyAttributes([]) }

    func run(_ inputs: [ONNXValue?]) throws -> [ONNXValue] {
        let a = try inputs.float(0, "A"), b = try inputs.float(1, "B")
        guard a.shape.count >= 2, b.shape.count >= 2 else { throw KernelFailure("MatMul of shapes \(a.shape) and \(b.shape): 1-D operands are not supported") }
        let m = a.shape[a.shape.count - 2], k = a.shape[a.shape.count - 1]
        let kb = b.shape[b.shape.count - 2], n = b.shape[b.shape.count - 1]
        guard k == kb, k > 0 else { throw KernelFailure("MatMul of shapes \(a.shape) and \(b.shape): inner dimensions differ or are empty") }
        if b.shape.count == 2 {
            // All of A's rows against one matrix: one GEMM.
            output.resize(Array(a.shape.dropLast()) + [n])
            gemmRows(m: a.count / k, n: n, k: k, a: a.data, lda: k, b: b.data, ldb: n, c: output.data, ldc: n)
            return [.float(output)]
        }
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        guard batchA == batchB else { throw KernelFailure("MatMul of shapes \(a.shape) and \(b.shape): broadcast batch dimensions are not supported") }
        let batches = batchA.reduce(1, *)
        output.resize(batchA + [m, n])
        Threads.parallelFor(batches) { i in
            sgemm(m: m, n: n, k: k, a: a.data + i * m * k, lda: k, b: b.data + i * k * n, ldb: n, c: self.output.data + i * m * n, ldc: n)
        }
        return [.float(output)]
    }
}
