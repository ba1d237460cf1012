#ifndef PREP_CGEMM_H
#define PREP_CGEMM_H

/* prep's own single-precision GEMM for CPUs with AVX-512 (see gemm_avx512.c for why). */

#ifdef __cplusplus
extern "C" {
#endif

/* Row-major C (m×n) = alpha·op(A)·op(B) + beta·C, single-threaded. op(A) is A (m×k, row
   stride lda) or, with trans_a, Aᵀ for A stored k×m; op(B) is B (k×n, row stride ldb) or, with trans_b, Bᵀ for B stored n×k. With beta = 0, C is
   not read (NaNs left in it do not leak). Only call when prep_kernel_isa() is PREP_ISA_AVX512. */
void prep_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha, const float *a, long lda,
                const float *b, long ldb, float beta, float *c, long ldc);

/* Winograd F(2×2, 3×3) tile transforms (winograd_tiles.c; any CPU). V[ξ][t] = (Bᵀ d B)[ξ] of tile
   t is written at v[ξ·xi_stride + t], ξ = 0 … 15. */

/* The input transform for tile rows [ty0, ty1) of one input plane x (h × w, padding ph, pw; rows outside
   the plane read as zeros), tile row ty written from v + (ty − ty0)·tiles_x. */
void prep_winograd_input_plane(const float *x, long h, long w, long ph, long pw, long ty0, long ty1, long tiles_x,
                               float *v, long xi_stride);

/* Output gradient: y0, y1 the tile row's two rows of dY (wo floats each; y1 NULL past the
   bottom edge); writes dM[ξ][t] = (A dY Aᵀ)[ξ] at dm[ξ·step + t]. */
void prep_winograd_output_gradient_row(const float *y0, const float *y1, long wo, long tiles_x, float *dm, long step);

#ifdef __cplusplus
}
#endif
#endif
