#include "json_scan.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if defined(__SSE2__)
/* Bit k set when p[k] (k < 16) is a quote, backslash, bracket or brace. */
static inline unsigned special_mask(const uint8_t *p) {
    const __m128i quote = _mm_set1_epi8(0x22), backslash = _mm_set1_epi8(0x5C);
    /* `[` 0x5B and `{` 0x7B differ in bit 5 only, as `]` 0x5D and `}` 0x7D: one compare each
     * after setting it. */
    const __m128i bit5 = _mm_set1_epi8(0x20), open = _mm_set1_epi8(0x7B), close = _mm_set1_epi8(0x7D);
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    __m128i folded = _mm_or_si128(v, bit5);
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                               _mm_or_si128(_mm_cmpeq_epi8(folded, open), _mm_cmpeq_epi8(folded, close)));
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* The offset of the first quote, backslash, bracket or brace in p[i..<n), or n. */
static inline size_t next_special(const uint8_t *p, size_t i, size_t n) {
#if defined(__SSE2__)
    while (i + 16 <= n) {
        unsigned mask = special_mask(p + i);
        if (mask) return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
#endif
    for (; i < n; i++) {
        uint8_t b = p[i];
        if (b == 0x22 || b == 0x5C || (b | 0x20) == 0x7B || (b | 0x20) == 0x7D) return i;
    }
    return n;
}

/* One special byte (not an escaped one): 1 when it closes the value. `*escape` is set for a
 * backslash inside a string: the caller skips the byte after it, whatever it is. A backslash
 * outside a string changes nothing. */
static inline int take(uint8_t b, int64_t *depth, int *in_string, int *escape) {
    if (*in_string) {
        if (b == 0x22) { *in_string = 0; return *depth == 0; }
        if (b == 0x5C) *escape = 1;
    } else if (b == 0x22) {
        *in_string = 1;
    } else if ((b | 0x20) == 0x7B) {
        ++*depth;
    } else if ((b | 0x20) == 0x7D) {
        return --*depth == 0;
    }
    return 0;
}

int prep_json_scan_value(const uint8_t *p, size_t n, prep_json_scan_state *state, size_t *used) {
    int64_t depth = state->depth;
    int in_string = state->in_string, escape = state->escape;
    size_t i = 0;
    int closed = 0;
    if (escape && i < n) { escape = 0; i++; }
#if defined(__SSE2__)
    /* Block by block: a block's special bytes come from one mask, taken bit by bit, so a record
     * dense in quotes and brackets (a COCO annotation has ~22 in ~165 bytes) does not reload and
     * re-test a block per special byte. */
    while (!closed && i + 16 <= n) {
        unsigned mask = special_mask(p + i);
        size_t skip = 0; /* 1 when a backslash ends the block: its escaped byte opens the next */
        while (mask) {
            unsigned bit = (unsigned)__builtin_ctz(mask);
            mask &= mask - 1;
            int esc = 0;
            if (take(p[i + bit], &depth, &in_string, &esc)) { closed = 1; i += bit + 1; break; }
            if (esc) { if (bit == 15) skip = 1; else mask &= ~(1u << (bit + 1)); }
        }
        if (closed) break;
        i += 16;
        if (skip) { if (i < n) i++; else escape = 1; }
    }
#endif
    while (!closed && i < n) {
        i = next_special(p, i, n);
        if (i == n) break;
        int esc = 0;
        if (take(p[i++], &depth, &in_string, &esc)) { closed = 1; break; }
        /* The escaped byte is skipped (by the next call when these bytes end first). */
        if (esc) { if (i < n) i++; else escape = 1; }
    }
    state->depth = depth;
    state->in_string = (uint8_t)in_string;
    state->escape = (uint8_t)escape;
    *used = i;
    return closed;
}
