import CPrepKernels

/// One or more M×K weight matrices packed once in the layout of prep's own GEMM kernel
/// (CPrepKernels: row panels of 16, AVX-512 / AVX2+FMA / portable C chosen at run time), for
/// inference products C = A·B whose A stays fixed from call to call. OpenBLAS packs A again on
/// every call, an extra read and write of the weights that dominates when B has few columns
/// (batch-1 convolutions: conv5 of the CRNN has 26 Winograd tiles); here the weights are read
/// once per call.
final class PackedWeights {
    /// Rows and columns of each matrix, and how many matrices.
    private(set) var m = 0, k = 0, count = 0
    private let buffer = Tensor(shape: [0])
    /// What the packed matrices were made from (`pack(…, from:)`).
    private(set) var source: WeightStamp?

    /// Floats between consecutive packed matrices.
    private var stride: Int { Int(prep_packed_floats(Int32(m), Int32(k))) }

    /// Packs `count` row-major M×K matrices (leading dimension `lda`, `matrixStride` floats
    /// apart) and records `stamp` as their source.
    func pack(_ a: UnsafePointer<Float>, count: Int, m: Int, k: Int, lda: Int, matrixStride: Int, stamp: WeightStamp) {
        self.m = m
        self.k = k
        self.count = count
        buffer.resize([count * stride])
        let s = stride, dst = buffer.data
        Threads.parallelChunks(count) { r in
            for i in r { prep_pack_a(a + i * matrixStride, Int32(lda), Int32(m), Int32(k), dst + i * s) }
        }
        source = stamp
    }

    /// Rows `rows` of C (M×N, `ldc`) = A_i · B (B: K×N, `ldb`), or += when `accumulate`, on the
    /// calling thread. `rows.lowerBound` must be a multiple of `PackedWeights.panelRows`.
    /// `transB`: B is stored transposed (N×K, row j = column j of B); `transC`: C is stored
    /// transposed (N×M). Both: Y (N×M) = X · Aᵀ for the N rows of X (an LSTM's gates, a linear layer).
    func multiply(_ i: Int = 0, rows: Range<Int>, b: UnsafePointer<Float>, ldb: Int, transB: Bool = false, n: Int,
                  c: UnsafeMutablePointer<Float>, ldc: Int, transC: Bool = false, accumulate: Bool = false) {
        precondition(rows.lowerBound % PackedWeights.panelRows == 0 && i < count)
        prep_sgemm_packed_t(buffer.data + i * stride, Int32(m), Int32(k), Int32(rows.lowerBound), Int32(rows.upperBound),
                            b, Int32(ldb), transB ? 1 : 0, Int32(n), c, Int32(ldc), transC ? 1 : 0, accumulate ? 1 : 0)
    }

    /// Packs `a` unless `source` already equals its stamp (one M×K matrix); returns self.
    @discardableResult
    func update(from a: Tensor, m: Int, k: Int) -> PackedWeights {
        let stamp = WeightStamp(a)
        if source != stamp { pack(a.data, count: 1, m: m, k: k, lda: k, matrixStride: 0, stamp: stamp) }
        return self
    }

    /// Rows per panel: row ranges given to `multiply` start at a multiple of it.
    static let panelRows = Int(PREP_PANEL_ROWS)

    /// Splits rows 0..<m into at most `parts` ranges that start on panel boundaries.
    static func rowRanges(_ m: Int, parts: Int) -> [Range<Int>] {
        let panels = (m + panelRows - 1) / panelRows, p = max(1, min(parts, panels))
        return (0..<p).map { i in min(m, panels * i / p * panelRows)..<min(m, panels * (i + 1) / p * panelRows) }
    }

    /// C (M×N) = A_i · B with its rows split over the engine's threads (outside parallel loops).
    func multiplyParallel(_ i: Int = 0, b: UnsafePointer<Float>, ldb: Int, transB: Bool = false, n: Int,
                          c: UnsafeMutablePointer<Float>, ldc: Int, transC: Bool = false, accumulate: Bool = false) {
        let parts = m * n * k < 1 << 18 ? 1 : Threads.count
        let ranges = PackedWeights.rowRanges(m, parts: parts)
        Threads.parallelFor(ranges.count) { p in
            multiply(i, rows: ranges[p], b: b, ldb: ldb, transB: transB, n: n, c: c, ldc: ldc, transC: transC,
                     accumulate: accumulate)
        }
    }
}

/// The kernel family prep's packed GEMM (`PackedWeights`) runs: the best this CPU has
/// ("avx512", "avx2", "portable"), capped by the environment's PREP_KERNELS or by `cap`.
public enum PackedKernels {
    /// Whether inference layers multiply by weights packed once (`PackedWeights`): the
    /// convolutions (`Conv2d.forward(_:epilogue:)`: Winograd U, im2col weights at least
    /// `Conv2d.packedMinDepth` deep) and LSTMs out of training mode. False: every GEMM through `sgemm`
    /// (prep's AVX-512 kernel or OpenBLAS, `GEMMKernels`), as before them (benchmarks compare the
    /// two). Training never uses them: its GEMMs always go through `sgemm`.
    public static var enabled = true

    /// Output columns up to which the AVX2 and portable kernels are used; wider products go to
    /// OpenBLAS. With AVX-512 the packed kernels always run. Measured on the CRNN (CPU time per
    /// forward, shared machine): batch 1 (products of 26–200 columns) 10.4 ms AVX2-packed vs
    /// 11.8 OpenBLAS, batch 64 517–536 ms vs 469 — at batch 1 OpenBLAS re-packing the weights
    /// dominates, at batch 64 its own AVX2 kernel is faster than prep's.
    static var thinColumns = 64

    /// Whether an inference product with `columns` output columns (tiles, pixels, sequence
    /// steps × batch) runs on the packed kernels.
    static func pays(columns: Int) -> Bool {
        enabled && (prep_kernel_isa() == PREP_ISA_AVX512 || columns <= thinColumns)
    }

    /// The family in use.
    public static var name: String {
        switch prep_kernel_isa() {
        case PREP_ISA_AVX512: return "avx512"
        case PREP_ISA_AVX2: return "avx2"
        default: return "portable"
        }
    }

    /// Caps the kernels at `family` ("avx512", "avx2", "portable") within what the CPU has and
    /// returns the family now in force. For tests and benchmarks; not while a forward runs.
    @discardableResult
    public static func cap(_ family: String) -> String {
        prep_set_kernel_isa(family == "portable" ? PREP_ISA_PORTABLE : family == "avx2" ? PREP_ISA_AVX2 : PREP_ISA_AVX512)
        return name
    }
}

/// What a cache derived from a weight tensor was made from: its `version` (bumped by `set`,
/// `markChanged()`, optimizer steps) and a fingerprint of 64 sampled values (for writes through
/// its pointer that bump nothing). Equal stamps: the cache is still good.
struct WeightStamp: Equatable {
    let version: UInt64, fingerprint: UInt64

    init(_ t: Tensor) {
        let count = t.count, p = t.data
        var f: UInt64 = 0xcbf2_9ce4_8422_2325
        if count > 0 {
            for i in 0..<64 { f = (f ^ UInt64(p[i * (count - 1) / 63].bitPattern)) &* 0x100_0000_01b3 }
        }
        version = t.version
        fingerprint = f
    }
}
