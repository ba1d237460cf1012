/*
 * The per-row tile transforms of Winograd F(2×2, 3×3) (PrepNN's WinogradF2x3), in C so that they
 * vectorise at the CPU's width: Swift compiles PrepNN for baseline x86-64, where their stride-2
 * reads stayed scalar. Each function is built twice (target_clones: AVX-512F and the baseline)
 * and the loader picks the clone for the CPU. Rows are first split into their even and odd
 * elements, so every loop after that reads with unit stride.
 */
#include "cgemm.h"
#include "thread_scratch.h"
#include <string.h>

#if defined(__x86_64__) && defined(__clang__)
#define CLONES __attribute__((target_clones("avx512f", "default")))
#else
#define CLONES
#endif

/* One tile row: rows = four zero-padded input rows of row_length = 2·tiles_x + 2 floats; writes
   V[ξ][t] at v[ξ·xi_stride + t]; buf: 16·(tiles_x + 1) floats of scratch. Inlined into each clone
   of prep_winograd_input_plane. */
static inline __attribute__((always_inline))
void input_row(const float *rows, long row_length, long tiles_x, float *v, long xi_stride, float *buf) {
    /* rows: four zero-padded input rows of row_length = 2·tiles_x + 2 floats. Even and odd
       elements of the vertical transform Bᵀd: e[k][i] = s_k[2i], o[k][i] = s_k[2i + 1], i ≤ tiles_x. */
    long half = tiles_x + 1;
    float *e = buf, *o = buf + 4 * half, *de = buf + 8 * half, *dod = buf + 12 * half;
    for (int k = 0; k < 4; k++) {
        const float *r = rows + k * row_length;
        for (long i = 0; i < half; i++) { de[k * half + i] = r[2 * i]; dod[k * half + i] = r[2 * i + 1]; }
    }
    /* Bᵀ d: rows d0 − d2, d1 + d2, d2 − d1, d1 − d3 */
    for (long i = 0; i < half; i++) {
        float a0 = de[i], a1 = de[half + i], a2 = de[2 * half + i], a3 = de[3 * half + i];
        e[i] = a0 - a2; e[half + i] = a1 + a2; e[2 * half + i] = a2 - a1; e[3 * half + i] = a1 - a3;
        float b0 = dod[i], b1 = dod[half + i], b2 = dod[2 * half + i], b3 = dod[3 * half + i];
        o[i] = b0 - b2; o[half + i] = b1 + b2; o[2 * half + i] = b2 - b1; o[3 * half + i] = b1 - b3;
    }
    /* · B per tile: (q0 − q2, q1 + q2, q2 − q1, q1 − q3) with q0..q3 = e[t], o[t], e[t+1], o[t+1] */
    for (int k = 0; k < 4; k++) {
        const float *ek = e + k * half, *ok = o + k * half;
        float *o0 = v + (4 * k) * xi_stride, *o1 = o0 + xi_stride, *o2 = o1 + xi_stride, *o3 = o2 + xi_stride;
        for (long t = 0; t < tiles_x; t++) {
            float q0 = ek[t], q1 = ok[t], q2 = ek[t + 1], q3 = ok[t + 1];
            o0[t] = q0 - q2; o1[t] = q1 + q2; o2[t] = q2 - q1; o3[t] = q1 - q3;
        }
    }
}

CLONES
void prep_winograd_input_plane(const float *x, long h, long w, long ph, long pw, long ty0, long ty1, long tiles_x,
                               float *v, long xi_stride) {
    long row_length = 2 * tiles_x + 2;
    float rows[4 * row_length];
    float *buf = prep_thread_scratch(PREP_SCRATCH_WINOGRAD, 16 * (tiles_x + 1));
    /* the input columns a padded row covers: ix = xx − pw for xx in [x0, x1) */
    long x0 = pw > 0 ? pw : 0, x1 = w + pw < row_length ? w + pw : row_length;
    for (long ty = ty0; ty < ty1; ty++) {
        for (int k = 0; k < 4; k++) {
            float *row = rows + k * row_length;
            long iy = 2 * ty - ph + k;
            if (iy < 0 || iy >= h || x1 <= x0) { memset(row, 0, sizeof(float) * row_length); continue; }
            if (x0 > 0) memset(row, 0, sizeof(float) * x0);
            memcpy(row + x0, x + iy * w + (x0 - pw), sizeof(float) * (x1 - x0));
            if (x1 < row_length) memset(row + x1, 0, sizeof(float) * (row_length - x1));
        }
        input_row(rows, row_length, tiles_x, v + (ty - ty0) * tiles_x, xi_stride, buf);
    }
}

CLONES
void prep_winograd_output_gradient_row(const float *y0, const float *y1, long wo, long tiles_x, float *dm, long step) {
    /* a, b: the tile's top row (columns 2t, 2t + 1), c, d: its bottom row; zero past the edge */
    float *buf = prep_thread_scratch(PREP_SCRATCH_WINOGRAD, 4 * tiles_x);
    float *a = buf, *b = buf + tiles_x, *c = buf + 2 * tiles_x, *d = buf + 3 * tiles_x;
    for (long t = 0; t < tiles_x; t++) {
        long x = 2 * t;
        a[t] = y0[x]; b[t] = x + 1 < wo ? y0[x + 1] : 0;
        c[t] = y1 ? y1[x] : 0; d[t] = y1 && x + 1 < wo ? y1[x + 1] : 0;
    }
    /* rows of A dY: (a, b), (a + c, b + d), (a − c, b − d), (−c, −d); each (p, q)·Aᵀ = (p, p + q, p − q, −q) */
    for (int i = 0; i < 4; i++) {
        float *o0 = dm + 4 * i * step, *o1 = o0 + step, *o2 = o1 + step, *o3 = o2 + step;
        for (long t = 0; t < tiles_x; t++) {
            float p = i == 0 ? a[t] : i == 1 ? a[t] + c[t] : i == 2 ? a[t] - c[t] : -c[t];
            float q = i == 0 ? b[t] : i == 1 ? b[t] + d[t] : i == 2 ? b[t] - d[t] : -d[t];
            o0[t] = p; o1[t] = p + q; o2[t] = p - q; o3[t] = -q;
        }
    }
}
