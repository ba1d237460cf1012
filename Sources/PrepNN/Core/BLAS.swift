import CPrepKernels

/// Which kernels run `sgemm`'s products (GEMVs stay with OpenBLAS).
///
/// On CPUs with AVX-512F prep uses its own blocked kernel (`CPrepKernels`, gemm_avx512.c): machines
/// such as this project's (AMD Zen 5) pin OpenBLAS to its AVX2 kernels with
/// `OPENBLAS_CORETYPE=Haswell`, because older OpenBLAS builds compute wrong results or crash with
/// their AVX-512 kernels there, which halves the FMA width OpenBLAS can use. `PREP_KERNELS=avx2`
/// or `portable` (which caps CPrepKernels' GEMM kernels), or `GEMMKernels.usesOwn = false`,
/// sends everything to OpenBLAS.
public enum GEMMKernels {
    /// Whether this CPU can run prep's AVX-512 kernel.
    public static let ownAvailable = prep_kernel_isa_supported() == PREP_ISA_AVX512
    /// Whether `sgemm` uses it: when the kernels in force (`PREP_KERNELS`) are AVX-512.
    public static var usesOwn = prep_kernel_isa() == PREP_ISA_AVX512
    /// The kernels in use, for benchmark headers.
    public static var name: String { usesOwn ? "prep AVX-512" : "OpenBLAS \(blasCoreName)" }
}

/// Row-major single-precision GEMM: C = alpha·op(A)·op(B) + beta·C with op = transpose
/// when the flag is set. A is M×K (or K×M when transposed), B is K×N (or N×K), C is M×N.
/// Leading dimensions are the row lengths of the stored matrices.
@inline(__always)
public func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                  alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                  b: UnsafePointer<Float>, ldb: Int,
                  beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 1 {
        // One row (an LSTM step at batch 1, a Linear on one vector): a GEMV. OpenBLAS's GEMM
        // packs both operands even for one row, which made each batch-1 LSTM step 5–6× slower
        // than this call with its AVX2 kernels. Row k of op(A) is a[k] (or a[k·lda] when A is
        // stored K×1). C is cleared first for beta = 0: not every BLAS ignores NaNs left in it.
        if beta == 0 { c.update(repeating: 0, count: n) }
        OpenBLAS.functions.sgemv(OpenBLAS.rowMajor, transB ? OpenBLAS.noTrans : OpenBLAS.trans, Int32(transB ? n : k), Int32(transB ? k : n),
                                 alpha, b, Int32(ldb), a, transA ? Int32(lda) : 1, beta, c, 1)
        return
    }
    if GEMMKernels.usesOwn {
        prep_sgemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        return
    }
    OpenBLAS.functions.sgemm(OpenBLAS.rowMajor, transA ? OpenBLAS.trans : OpenBLAS.noTrans, transB ? OpenBLAS.trans : OpenBLAS.noTrans,
                             Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// `sgemm` with the M rows of C split over the engine's threads (each a single-threaded BLAS
/// call on its own rows). Use it outside the engine's parallel loops only.
public func gemmRows(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                     alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                     b: UnsafePointer<Float>, ldb: Int,
                     beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    let parts = min(Threads.count, max(1, m / 16))
    if parts <= 1 || m * n * k < 1 << 18 {
        sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
              beta: beta, c: c, ldc: ldc)
        return
    }
    Threads.parallelFor(parts) { p in
        let r0 = m * p / parts, r1 = m * (p + 1) / parts
        // Row r of op(A) starts at a + r·lda, or at column r of the stored K×M matrix when transposed.
        let ap = transA ? a + r0 : a + r0 * lda
        sgemm(transA: transA, transB: transB, m: r1 - r0, n: n, k: k, alpha: alpha, a: ap, lda: lda, b: b, ldb: ldb,
              beta: beta, c: c + r0 * ldc, ldc: ldc)
    }
}

/// The name of the kernel set OpenBLAS runs (e.g. "Haswell" for AVX2, "SkylakeX" or
/// "Cooperlake" for AVX-512; OPENBLAS_CORETYPE overrides what it detects).
public var blasCoreName: String { OpenBLAS.functions.coreName().map { String(cString: $0) } ?? "unknown" }
