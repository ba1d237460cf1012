#ifndef PREP_KERNELS_H
#define PREP_KERNELS_H
/*
 * prep's own single-precision GEMM for inference weights that stay fixed between calls
 * (convolution weights, their Winograd transforms): C = A·B with A packed ONCE into row panels
 * and streamed exactly once per call for the small N of batch-1 inference, where BLAS would
 * re-pack A on every call. Kernels: AVX-512F, AVX2+FMA, or portable C, chosen at run time from
 * CPUID (never an instruction the CPU lacks), capped by PREP_KERNELS=portable|avx2|avx512.
 *
 * Layout of a packed A (M×K): panels of PREP_PANEL_ROWS rows, [ceil(M/16)][K][16], rows past M
 * zero. B (K×N) and C (M×N) are plain row-major with leading dimensions.
 */
#include <stddef.h>
/* the AVX-512 SGEMM behind PrepNN's sgemm, and the Winograd row transforms */
#include "cgemm.h"
/* the JSON value scan behind prep merge */
#include "json_scan.h"

#define PREP_PANEL_ROWS 16
#define PREP_ISA_PORTABLE 0
#define PREP_ISA_AVX2 1
#define PREP_ISA_AVX512 2

/* The kernels in use (PREP_ISA_*): the best the CPU and OS support, capped by PREP_KERNELS. */
int prep_kernel_isa(void);
/* Caps the kernels at `level` (tests, benchmarks) within what the CPU supports; returns the
 * level now in force. Not thread-safe against running GEMMs. */
int prep_set_kernel_isa(int level);
/* The best level this CPU supports (ignoring caps). */
int prep_kernel_isa_supported(void);

/* Floats a packed M×K matrix takes. */
size_t prep_packed_floats(int m, int k);
/* Packs row-major A (M×K, leading dimension lda) into `packed` (prep_packed_floats(m, k)). */
void prep_pack_a(const float *a, int lda, int m, int k, float *packed);
/* Rows row0..<row1 of C (M×N, ldc) = A·B, or C += A·B when `accumulate`; A packed M×K, B K×N
 * (ldb). row0 must be a multiple of PREP_PANEL_ROWS. Single-threaded: callers split rows. */
void prep_sgemm_packed(const float *packed, int m, int k, int row0, int row1,
                       const float *b, int ldb, int n, float *c, int ldc, int accumulate);
/* The same with B given transposed (`trans_b`: stored N×K, element (p, j) at b[j·ldb + p])
 * and/or C stored transposed (`trans_c`: N×M, element (i, j) at c[j·ldc + i]): Y = X·Wᵀ for
 * rows of X (LSTM gates, linear layers) is C = W·Xᵀ with both set. */
void prep_sgemm_packed_t(const float *packed, int m, int k, int row0, int row1, const float *b,
                         int ldb, int trans_b, int n, float *c, int ldc, int trans_c, int accumulate);

#endif
