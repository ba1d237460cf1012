/*
 * prep's packed-A GEMM (CPrepKernels.h). A micro-kernel keeps a 16-row × NR-column block of C
 * in vector registers, one vector per column holding 16 rows (output channels): for each k it
 * loads the panel's 16 weights once and multiplies them by NR broadcast values of B. So every
 * weight is read once per NR columns, and at batch 1 (NR covers all of N) exactly once per
 * call; B is copied into NR-wide column chunks first (KC rows at a time) so its rows are
 * contiguous whatever its leading dimension.
 *
 * Blocking: KC rows of K at a time (a panel's slice, 16 KB, and a B chunk, ≤ 28 KB, stay in
 * L1), NC columns at a time (the packed B block, ≤ 512 KB, stays in L2).
 */
#include "CPrepKernels.h"
#include "thread_scratch.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#define PREP_X86 1
#endif

#define MR PREP_PANEL_ROWS
#define KC 256
#define NC 512
/* Weights are streamed from L3 or memory: the hardware prefetcher alone left a batch-1
 * Winograd conv5 (16.8 MB of packed U) at half the kernel's speed; fetching 32 panel rows (2 KB)
 * ahead brought it to within 10 % of in-cache speed (measured 1.8 → 1.1 ms on one core). */
#define PREFETCH 32

typedef void (*kernel_fn)(const float *a, const float *b, int k, float *c, int ldc, int rows,
                          int cols, int accumulate, int trans_c);

/* Writes an NR×16 register tile (column j's 16 rows at t[j·16]) to C: transposed into
 * row-major C, or straight (column j's rows contiguous) when C is stored transposed. */
static inline void store_tile(const float *t, float *c, int ldc, int rows, int cols, int accumulate,
                              int trans_c) {
    if (trans_c) {
        for (int j = 0; j < cols; j++) {
            float *cj = c + (size_t)j * ldc;
            const float *tj = t + j * MR;
            if (accumulate) {
                for (int i = 0; i < rows; i++) cj[i] += tj[i];
            } else {
                for (int i = 0; i < rows; i++) cj[i] = tj[i];
            }
        }
        return;
    }
    for (int i = 0; i < rows; i++) {
        float *ci = c + (size_t)i * ldc;
        if (accumulate) {
            for (int j = 0; j < cols; j++) ci[j] += t[j * MR + i];
        } else {
            for (int j = 0; j < cols; j++) ci[j] = t[j * MR + i];
        }
    }
}

/* ---- portable C (any CPU; the compiler vectorises the 16 rows) ---- */

static void kernel_portable_4(const float *a, const float *b, int k, float *c, int ldc, int rows,
                              int cols, int accumulate, int trans_c) {
    float acc[4 * MR];
    memset(acc, 0, sizeof acc);
    for (int p = 0; p < k; p++) {
        const float *u = a + (size_t)p * MR, *bp = b + (size_t)p * 4;
        for (int j = 0; j < 4; j++) {
            float bj = bp[j];
            for (int i = 0; i < MR; i++) acc[j * MR + i] += u[i] * bj;
        }
    }
    store_tile(acc, c, ldc, rows, cols, accumulate, trans_c);
}

#ifdef PREP_X86
/* ---- AVX2 + FMA: 16 rows as two 8-float vectors, NR ≤ 6 (12 accumulators of 16 registers) ---- */

#define DEFINE_AVX2(NR)                                                                            \
    __attribute__((target("avx2,fma"))) static void kernel_avx2_##NR(                              \
        const float *a, const float *b, int k, float *c, int ldc, int rows, int cols,             \
        int accumulate, int trans_c) {                                                             \
        __m256 lo[NR], hi[NR];                                                                     \
        _Pragma("clang loop unroll(full)") for (int j = 0; j < NR; j++) {                          \
            lo[j] = _mm256_setzero_ps();                                                           \
            hi[j] = _mm256_setzero_ps();                                                           \
        }                                                                                          \
        for (int p = 0; p < k; p++) {                                                              \
            _mm_prefetch((const char *)(a + (size_t)(p + PREFETCH) * MR), _MM_HINT_T0);           \
            __m256 u0 = _mm256_loadu_ps(a + (size_t)p * MR);                                       \
            __m256 u1 = _mm256_loadu_ps(a + (size_t)p * MR + 8);                                   \
            const float *bp = b + (size_t)p * NR;                                                  \
            _Pragma("clang loop unroll(full)") for (int j = 0; j < NR; j++) {                      \
                __m256 bj = _mm256_broadcast_ss(bp + j);                                           \
                lo[j] = _mm256_fmadd_ps(u0, bj, lo[j]);                                            \
                hi[j] = _mm256_fmadd_ps(u1, bj, hi[j]);                                            \
            }                                                                                      \
        }                                                                                          \
        float t[NR * MR] __attribute__((aligned(32)));                                             \
        _Pragma("clang loop unroll(full)") for (int j = 0; j < NR; j++) {                          \
            _mm256_store_ps(t + j * MR, lo[j]);                                                    \
            _mm256_store_ps(t + j * MR + 8, hi[j]);                                                \
        }                                                                                          \
        store_tile(t, c, ldc, rows, cols, accumulate, trans_c);                                    \
    }

DEFINE_AVX2(2)
DEFINE_AVX2(4)
DEFINE_AVX2(6)

/* ---- AVX-512F: 16 rows in one vector, NR ≤ 28 accumulators of 32 registers ---- */

#define DEFINE_AVX512(NR)                                                                          \
    __attribute__((target("avx512f"))) static void kernel_avx512_##NR(                             \
        const float *a, const float *b, int k, float *c, int ldc, int rows, int cols,             \
        int accumulate, int trans_c) {                                                             \
        __m512 acc[NR];                                                                            \
        _Pragma("clang loop unroll(full)") for (int j = 0; j < NR; j++) acc[j] = _mm512_setzero_ps(); \
        for (int p = 0; p < k; p++) {                                                              \
            _mm_prefetch((const char *)(a + (size_t)(p + PREFETCH) * MR), _MM_HINT_T0);           \
            __m512 u = _mm512_loadu_ps(a + (size_t)p * MR);                                        \
            const float *bp = b + (size_t)p * NR;                                                  \
            _Pragma("clang loop unroll(full)") for (int j = 0; j < NR; j++)                        \
                acc[j] = _mm512_fmadd_ps(u, _mm512_set1_ps(bp[j]), acc[j]);                        \
        }                                                                                          \
        float t[NR * MR] __attribute__((aligned(64)));                                             \
        _Pragma("clang loop unroll(full)") for (int j = 0; j < NR; j++) _mm512_store_ps(t + j * MR, acc[j]); \
        store_tile(t, c, ldc, rows, cols, accumulate, trans_c);                                    \
    }

DEFINE_AVX512(4)
DEFINE_AVX512(8)
DEFINE_AVX512(12)
DEFINE_AVX512(16)
DEFINE_AVX512(20)
DEFINE_AVX512(24)
DEFINE_AVX512(28)
#endif

/* A kernel family: its widths (ascending), and the width used while many columns remain. */
typedef struct {
    int count;
    int widths[8];
    kernel_fn fns[8];
    int main_width;
} kernel_set;

static const kernel_set portable_set = {1, {4}, {kernel_portable_4}, 4};
#ifdef PREP_X86
static const kernel_set avx2_set = {3, {2, 4, 6}, {kernel_avx2_2, kernel_avx2_4, kernel_avx2_6}, 6};
static const kernel_set avx512_set = {
    7,
    {4, 8, 12, 16, 20, 24, 28},
    {kernel_avx512_4, kernel_avx512_8, kernel_avx512_12, kernel_avx512_16, kernel_avx512_20,
     kernel_avx512_24, kernel_avx512_28},
    24};
#endif

/* ---- CPU detection ---- */

static int detect_supported(void) {
#ifdef PREP_X86
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return PREP_ISA_PORTABLE;
    int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    if (!osxsave || !avx) return PREP_ISA_PORTABLE;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    if ((lo & 0x6) != 0x6) return PREP_ISA_PORTABLE; /* the OS saves no YMM state */
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return PREP_ISA_PORTABLE;
    int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1;
    if (avx512f && (lo & 0xe6) == 0xe6) return PREP_ISA_AVX512; /* and ZMM/opmask state */
    if (avx2 && fma) return PREP_ISA_AVX2;
#endif
    return PREP_ISA_PORTABLE;
}

static int supported_level = -1, current_level = -1;

static void init_levels(void) {
    if (current_level >= 0) return;
    int s = detect_supported(), level = s;
    const char *cap = getenv("PREP_KERNELS");
    if (cap) {
        if (!strcmp(cap, "portable")) level = PREP_ISA_PORTABLE;
        else if (!strcmp(cap, "avx2") && level > PREP_ISA_AVX2) level = PREP_ISA_AVX2;
    }
    supported_level = s;
    current_level = level;
}

int prep_kernel_isa_supported(void) {
    init_levels();
    return supported_level;
}

int prep_kernel_isa(void) {
    init_levels();
    return current_level;
}

int prep_set_kernel_isa(int level) {
    init_levels();
    if (level < PREP_ISA_PORTABLE) level = PREP_ISA_PORTABLE;
    current_level = level < supported_level ? level : supported_level;
    return current_level;
}

static const kernel_set *current_set(void) {
#ifdef PREP_X86
    switch (prep_kernel_isa()) {
    case PREP_ISA_AVX512: return &avx512_set;
    case PREP_ISA_AVX2: return &avx2_set;
    default: break;
    }
#endif
    return &portable_set;
}

/* ---- packing ---- */

size_t prep_packed_floats(int m, int k) {
    return (size_t)((m + MR - 1) / MR) * MR * (size_t)k;
}

void prep_pack_a(const float *a, int lda, int m, int k, float *packed) {
    int panels = (m + MR - 1) / MR;
    for (int p = 0; p < panels; p++) {
        float *dst = packed + (size_t)p * k * MR;
        int rows = m - p * MR < MR ? m - p * MR : MR;
        for (int kk = 0; kk < k; kk++) {
            for (int i = 0; i < rows; i++) dst[(size_t)kk * MR + i] = a[(size_t)(p * MR + i) * lda + kk];
            for (int i = rows; i < MR; i++) dst[(size_t)kk * MR + i] = 0;
        }
    }
}

/* Width of the next chunk when `remaining` columns are left. */
static int chunk_width(const kernel_set *ks, int remaining, int *index) {
    if (remaining <= ks->widths[ks->count - 1]) {
        for (int i = 0; i < ks->count; i++) {
            if (ks->widths[i] >= remaining) { *index = i; return ks->widths[i]; }
        }
    }
    for (int i = 0; i < ks->count; i++) {
        if (ks->widths[i] == ks->main_width) { *index = i; return ks->main_width; }
    }
    *index = ks->count - 1;
    return ks->widths[ks->count - 1];
}

void prep_sgemm_packed(const float *packed, int m, int k, int row0, int row1,
                       const float *b, int ldb, int n, float *c, int ldc, int accumulate) {
    prep_sgemm_packed_t(packed, m, k, row0, row1, b, ldb, 0, n, c, ldc, 0, accumulate);
}

void prep_sgemm_packed_t(const float *packed, int m, int k, int row0, int row1, const float *b,
                         int ldb, int trans_b, int n, float *c, int ldc, int trans_c, int accumulate) {
    if (row1 > m) row1 = m;
    if (row0 >= row1 || n <= 0) return;
    if (k <= 0) {
        if (accumulate) return;
        if (trans_c) {
            for (int j = 0; j < n; j++) memset(c + (size_t)j * ldc + row0, 0, (size_t)(row1 - row0) * sizeof(float));
        } else {
            for (int i = row0; i < row1; i++) memset(c + (size_t)i * ldc, 0, (size_t)n * sizeof(float));
        }
        return;
    }
    const kernel_set *ks = current_set();
    /* KC rows × (NC + the widest kernel's padding) columns */
    float *buf = prep_thread_scratch(PREP_SCRATCH_PACKED_B, (size_t)KC * (NC + 32));
    int p0 = row0 / MR, p1 = (row1 + MR - 1) / MR;
    int widths[NC], starts[NC], kernels[NC];
    for (int k0 = 0; k0 < k; k0 += KC) {
        int kb = k - k0 < KC ? k - k0 : KC;
        for (int j0 = 0; j0 < n; j0 += NC) {
            int nb = n - j0 < NC ? n - j0 : NC;
            /* B[k0..<k0+kb][j0..<j0+nb] as chunks [kb][width], columns past nb zero */
            int chunks = 0;
            float *dst = buf;
            for (int j = 0; j < nb; chunks++) {
                int index, w = chunk_width(ks, nb - j, &index);
                int valid = nb - j < w ? nb - j : w;
                widths[chunks] = valid;
                starts[chunks] = j;
                kernels[chunks] = index;
                if (trans_b) {
                    /* B given as N×K: column j of B is row j of the stored matrix */
                    for (int q = 0; q < w; q++) {
                        if (q < valid) {
                            const float *src = b + (size_t)(j0 + j + q) * ldb + k0;
                            for (int p = 0; p < kb; p++) dst[(size_t)p * w + q] = src[p];
                        } else {
                            for (int p = 0; p < kb; p++) dst[(size_t)p * w + q] = 0;
                        }
                    }
                } else {
                    const float *src = b + (size_t)k0 * ldb + j0 + j;
                    /* a loop, not memcpy: rows of ≤ 28 floats, where a call per row costs more than the copy */
                    for (int p = 0; p < kb; p++) {
                        const float *sp = src + (size_t)p * ldb;
                        float *dp = dst + (size_t)p * w;
                        for (int q = 0; q < valid; q++) dp[q] = sp[q];
                        for (int q = valid; q < w; q++) dp[q] = 0;
                    }
                }
                dst += (size_t)kb * w;
                j += valid;
            }
            for (int p = p0; p < p1; p++) {
                const float *ap = packed + ((size_t)p * k + k0) * MR;
                int r0 = p * MR, rows = row1 - r0 < MR ? row1 - r0 : MR;
                const float *bp = buf;
                for (int q = 0; q < chunks; q++) {
                    int index = kernels[q];
                    int col = j0 + starts[q];
                    float *cq = trans_c ? c + (size_t)col * ldc + r0 : c + (size_t)r0 * ldc + col;
                    ks->fns[index](ap, bp, kb, cq, ldc, rows, widths[q], accumulate || k0 > 0, trans_c);
                    bp += (size_t)kb * ks->widths[index];
                }
            }
        }
    }
}
