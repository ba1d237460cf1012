/*
 * prep's own SGEMM for AVX-512 CPUs.
 *
 * Why it exists: the machines prep is benchmarked on (AMD Zen 5, full-width 512-bit FMA units)
 * set OPENBLAS_CORETYPE=Haswell in the environment because older OpenBLAS builds compute wrong
 * results or crash with their AVX-512 kernels there. prep must honour that, so OpenBLAS runs its
 * AVX2 kernels: half of the FMA width PyTorch's oneDNN uses on the same cores. This file is a
 * plain, blocked GEMM whose inner kernel keeps a 12 × 32 block of C in 24 zmm registers; it is
 * compiled for AVX-512F only (function target attributes) and chosen at run time (prep_kernel_isa,
 * packed_gemm.c), so the binary still runs on CPUs without it (prep then calls OpenBLAS).
 *
 * Blocking: K in chunks of KC; for each chunk, op(B) is packed 32 columns at a time into a
 * contiguous KC × 32 panel (zero-padded past n, so the kernel never branches on columns), and
 * every 12-row block of A streams through the kernel against that panel. Rows past the last
 * multiple of 12 go through 4- and 1-row kernels. Stores to C past n are masked.
 * The summation order over k is fixed (chunk by chunk, k ascending), so results are
 * deterministic for given shapes.
 */
#include "cgemm.h"
#include "thread_scratch.h"
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#define NR 32
#define KC 256

#if defined(__x86_64__)

/* Packs op(B)[k0 .. k0+kc) × [j0 .. j0+nc) into p (kc × NR, columns past nc zero). */
__attribute__((target("avx512f")))
static void pack_b(int trans_b, const float *b, long ldb, long k0, long kc, long j0, long nc, float *p) {
    if (!trans_b) {
        __mmask16 m0 = nc >= 16 ? 0xFFFF : (__mmask16)((1u << nc) - 1);
        __mmask16 m1 = nc >= 32 ? 0xFFFF : nc <= 16 ? 0 : (__mmask16)((1u << (nc - 16)) - 1);
        for (long kk = 0; kk < kc; kk++) {
            const float *row = b + (k0 + kk) * ldb + j0;
            _mm512_store_ps(p + kk * NR, _mm512_maskz_loadu_ps(m0, row));
            _mm512_store_ps(p + kk * NR + 16, _mm512_maskz_loadu_ps(m1, row + 16));
        }
    } else {
        /* op(B)[k][j] = B[j][k]: column j of the panel is row j0 + j of B, read along k. */
        if (nc < NR) memset(p, 0, sizeof(float) * kc * NR);
        for (long j = 0; j < nc; j++) {
            const float *row = b + (j0 + j) * ldb + k0;
            for (long kk = 0; kk < kc; kk++) p[kk * NR + j] = row[kk];
        }
    }
}

/* C[0..MR) × [0..32) (masked to n) = alpha · A[0..MR) × panel + (accumulate ? C : beta·C), where
   A's element (r, k) is a[r·rs + k·cs] (rs = lda, cs = 1 untransposed; rs = 1, cs = lda transposed). */
#define DEFINE_KERNEL(MR)                                                                          \
__attribute__((target("avx512f")))                                                               \
static void kernel_##MR(long kc, const float *a, long rs, long cs, const float *p, float *c, long ldc, \
                        __mmask16 m0, __mmask16 m1, float alpha, float beta, int accumulate) {   \
    __m512 acc0[MR], acc1[MR];                                                                    \
    for (int r = 0; r < MR; r++) { acc0[r] = _mm512_setzero_ps(); acc1[r] = _mm512_setzero_ps(); } \
    for (long kk = 0; kk < kc; kk++) {                                                            \
        __m512 b0 = _mm512_load_ps(p + kk * NR), b1 = _mm512_load_ps(p + kk * NR + 16);           \
        _Pragma("clang loop unroll(full)")                                                       \
        for (int r = 0; r < MR; r++) {                                                            \
            __m512 av = _mm512_set1_ps(a[r * rs + kk * cs]);                                      \
            acc0[r] = _mm512_fmadd_ps(av, b0, acc0[r]);                                           \
            acc1[r] = _mm512_fmadd_ps(av, b1, acc1[r]);                                           \
        }                                                                                         \
    }                                                                                             \
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);                                 \
    for (int r = 0; r < MR; r++) {                                                                \
        float *row = c + r * ldc;                                                                 \
        __m512 x0 = _mm512_mul_ps(acc0[r], va), x1 = _mm512_mul_ps(acc1[r], va);                  \
        if (accumulate) {                                                                         \
            x0 = _mm512_add_ps(x0, _mm512_maskz_loadu_ps(m0, row));                               \
            x1 = _mm512_add_ps(x1, _mm512_maskz_loadu_ps(m1, row + 16));                          \
        } else if (beta != 0) {                                                                   \
            x0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, row), x0);                         \
            x1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, row + 16), x1);                    \
        }                                                                                         \
        _mm512_mask_storeu_ps(row, m0, x0);                                                       \
        _mm512_mask_storeu_ps(row + 16, m1, x1);                                                  \
    }                                                                                             \
}
DEFINE_KERNEL(12)
DEFINE_KERNEL(4)
DEFINE_KERNEL(1)

__attribute__((target("avx512f")))
void prep_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha, const float *a, long lda,
                const float *b, long ldb, float beta, float *c, long ldc) {
    /* element (i, p) of op(A) is a[i·rs + p·cs] */
    long rs = trans_a ? 1 : lda, cs = trans_a ? lda : 1;
    if (m <= 0 || n <= 0) return;
    float *p = prep_thread_scratch(PREP_SCRATCH_PANEL_B, KC * NR);
    if (k <= 0) {
        /* C = beta·C (nothing to multiply) */
        for (long i = 0; i < m; i++)
            for (long j = 0; j < n; j++) c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j];
        return;
    }
    for (long k0 = 0; k0 < k; k0 += KC) {
        long kc = k - k0 < KC ? k - k0 : KC;
        /* the first chunk applies beta; later chunks add (with alpha already in each chunk) */
        int accumulate = k0 > 0;
        for (long j0 = 0; j0 < n; j0 += NR) {
            long nc = n - j0 < NR ? n - j0 : NR;
            __mmask16 m0 = nc >= 16 ? 0xFFFF : (__mmask16)((1u << nc) - 1);
            __mmask16 m1 = nc >= 32 ? 0xFFFF : nc <= 16 ? 0 : (__mmask16)((1u << (nc - 16)) - 1);
            pack_b(trans_b, b, ldb, k0, kc, j0, nc, p);
            long i = 0;
            for (; i + 12 <= m; i += 12)
                kernel_12(kc, a + i * rs + k0 * cs, rs, cs, p, c + i * ldc + j0, ldc, m0, m1, alpha, beta, accumulate);
            for (; i + 4 <= m; i += 4)
                kernel_4(kc, a + i * rs + k0 * cs, rs, cs, p, c + i * ldc + j0, ldc, m0, m1, alpha, beta, accumulate);
            for (; i < m; i++)
                kernel_1(kc, a + i * rs + k0 * cs, rs, cs, p, c + i * ldc + j0, ldc, m0, m1, alpha, beta, accumulate);
        }
    }
}

#else
void prep_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha, const float *a, long lda,
                const float *b, long ldb, float beta, float *c, long ldc) {
    (void)trans_a; (void)trans_b; (void)m; (void)n; (void)k; (void)alpha; (void)a; (void)lda; (void)b; (void)ldb;
    (void)beta; (void)c; (void)ldc;
    abort();
}
#endif
