/*
 * PNG encoder for crops. The files hold what OpenCV's imwrite writes by default (8-bit RGB or
 * gray, Sub filter on every row, a zlib stream of distance-1 runs and literals, as zlib's Z_RLE
 * strategy makes), but the deflate stream is produced here in one dynamic-Huffman block: about
 * four times faster than libpng + zlib for the same size, and crop encoding is a large part of
 * cutting a dataset into word images. Decoders (libpng, zlib's inflate, browsers) read it as any
 * other PNG; the tests decode every case back through libpng.
 */
#include "CImageShim.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <zlib.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "png_encode.c writes its bit buffer with little-endian stores"
#endif

enum { LIT_SYMS = 286, DIST_SYMS = 30, CL_SYMS = 19, MAX_RUN = 258 };

/* Bit writer: deflate packs values least significant bit first. */
typedef struct {
    uint64_t bits;
    int count;
    unsigned char *p;
} bit_writer;

static inline void put_bits(bit_writer *w, uint32_t value, int n) {
    w->bits |= (uint64_t)value << w->count;
    w->count += n;
    if (w->count >= 32) {
        uint32_t v = (uint32_t)w->bits;
        w->p[0] = (unsigned char)v; w->p[1] = (unsigned char)(v >> 8);
        w->p[2] = (unsigned char)(v >> 16); w->p[3] = (unsigned char)(v >> 24);
        w->p += 4;
        w->bits >>= 32;
        w->count -= 32;
    }
}

static void flush_bits(bit_writer *w) {
    while (w->count > 0) {
        *w->p++ = (unsigned char)w->bits;
        w->bits >>= 8;
        w->count -= 8;
    }
    w->bits = 0;
    w->count = 0;
}

/* Length symbols 257..285: base lengths and extra bits (RFC 1951 §3.2.5). */
static const uint16_t len_base[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                       35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                       3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint8_t cl_order[CL_SYMS] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };

/* Length symbol index (0..28) of every run length 3..258. */
static uint8_t len_index[MAX_RUN + 1];
static uint8_t reverse8[256];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;
static void init_tables(void) {
    for (int i = 0; i < 29; i++) {
        int end = i == 28 ? MAX_RUN : len_base[i] + (1 << len_extra[i]) - 1;
        for (int l = len_base[i]; l <= end && l <= MAX_RUN; l++) len_index[l] = (uint8_t)i;
    }
    len_index[MAX_RUN] = 28; /* 258 has its own code; 227+31 would otherwise claim it */
    for (int i = 0; i < 256; i++) {
        unsigned r = 0;
        for (int b = 0; b < 8; b++) r |= ((i >> b) & 1u) << (7 - b);
        reverse8[i] = (uint8_t)r;
    }
}

/*
 * Huffman code lengths for `n` symbols of frequencies `freq`, none longer than `limit`:
 * a plain Huffman tree; if it is too deep, the frequencies are halved (kept non-zero) and the
 * tree rebuilt, which converges quickly and costs a fraction of a percent of size.
 */
static void huffman_lengths(const uint32_t *freq_in, int n, int limit, uint8_t *lengths) {
    uint32_t freq[LIT_SYMS];
    int sym[LIT_SYMS], used = 0;
    for (int i = 0; i < n; i++) { lengths[i] = 0; freq[i] = freq_in[i]; if (freq[i]) sym[used++] = i; }
    if (used == 0) return;
    if (used == 1) { lengths[sym[0]] = 1; return; }
    for (;;) {
        /* Nodes 0..used-1 are leaves (sorted by frequency), used.. internal; two-queue merge. */
        uint64_t weight[2 * LIT_SYMS];
        int parent[2 * LIT_SYMS];
        static const int gaps[] = { 132, 57, 23, 10, 4, 1 }; /* Shell sort by frequency (Ciura's gaps) */
        for (int g = 0; g < 6; g++) {
            int gap = gaps[g];
            for (int i = gap; i < used; i++) {
                int s = sym[i], j = i;
                while (j >= gap && freq[sym[j - gap]] > freq[s]) { sym[j] = sym[j - gap]; j -= gap; }
                sym[j] = s;
            }
        }
        for (int i = 0; i < used; i++) weight[i] = freq[sym[i]];
        int leaf = 0, inner = used, next = used;
        for (int k = 0; k < used - 1; k++) {
            int pick[2];
            for (int t = 0; t < 2; t++) {
                if (leaf < used && (inner >= next || weight[leaf] <= weight[inner])) pick[t] = leaf++;
                else pick[t] = inner++;
            }
            weight[next] = weight[pick[0]] + weight[pick[1]];
            parent[pick[0]] = parent[pick[1]] = next;
            next++;
        }
        int root = next - 1, depth[2 * LIT_SYMS], maxdepth = 0;
        depth[root] = 0;
        for (int i = root - 1; i >= 0; i--) {
            depth[i] = depth[parent[i]] + 1;
            if (i < used && depth[i] > maxdepth) maxdepth = depth[i];
        }
        if (maxdepth <= limit) {
            for (int i = 0; i < used; i++) lengths[sym[i]] = (uint8_t)depth[i];
            return;
        }
        for (int i = 0; i < used; i++) freq[sym[i]] = (freq[sym[i]] >> 1) | 1;
    }
}

/* Canonical codes (RFC 1951 §3.2.2), bit-reversed for the LSB-first writer. */
static void canonical_codes(const uint8_t *lengths, int n, uint16_t *codes) {
    int count[16] = { 0 }, next[16];
    for (int i = 0; i < n; i++) count[lengths[i]]++;
    count[0] = 0;
    int code = 0;
    for (int b = 1; b < 16; b++) { code = (code + count[b - 1]) << 1; next[b] = code; }
    for (int i = 0; i < n; i++) {
        int len = lengths[i];
        if (!len) { codes[i] = 0; continue; }
        unsigned c = (unsigned)next[len]++;
        unsigned r = ((unsigned)reverse8[c & 0xFF] << 8) | reverse8[(c >> 8) & 0xFF];
        codes[i] = (uint16_t)(r >> (16 - len));
    }
}

static void put_u32be(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}

/* Writes the chunk whose type and data start at `type` (data length `len`): length before, CRC after. */
static unsigned char *finish_chunk(unsigned char *type, size_t len) {
    put_u32be(type - 4, (uint32_t)len);
    uint32_t crc = (uint32_t)crc32_z(0L, type, len + 4);
    put_u32be(type + 4 + len, crc);
    return type + 4 + len + 4;
}

/* Per-thread scratch for the filtered rows and the tokens (3 bytes per input byte), kept
 * between crops: fresh large allocations per crop cost more in page faults than the encoding. */
static __thread unsigned char *scratch;
static __thread size_t scratch_cap;
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static void scratch_release(void *p) { free(p); }
static void scratch_init(void) { pthread_key_create(&scratch_key, scratch_release); }

static unsigned char *scratch_reserve(size_t n) {
    size_t need = ((n + 15) & ~(size_t)15) + n * sizeof(uint16_t);
    if (need <= scratch_cap) return scratch;
    pthread_once(&scratch_once, scratch_init);
    size_t cap = need < (1u << 20) ? (1u << 20) : need + need / 2;
    unsigned char *p = (unsigned char *)malloc(cap);
    if (!p) return NULL;
    free(scratch);
    scratch = p;
    scratch_cap = cap;
    pthread_setspecific(scratch_key, p); /* freed when the thread ends */
    return p;
}

int prep_png_encode(const unsigned char *pixels, int width, int height, int color,
                         unsigned char **out, size_t *out_len, prep_image_error *err) {
    if (err) { err->message[0] = 0; err->warnings = 0; }
    if (width <= 0 || height <= 0) {
        if (err) snprintf(err->message, sizeof err->message, "cannot encode an empty %dx%d image", width, height);
        return PREP_ERR_ARGS;
    }
    pthread_once(&tables_once, init_tables);
    int channels = color == PREP_GRAY ? 1 : 3;
    size_t stride = (size_t)width * (size_t)channels, row = stride + 1, n = row * (size_t)height;

    /* Filtered scanlines: filter type 1 (Sub), colour in RGB order. */
    unsigned char *f = scratch_reserve(n);
    uint16_t *tokens = f ? (uint16_t *)(f + ((n + 15) & ~(size_t)15)) : NULL;
    size_t cap = 64 + 2 * n + 1024 + n / 8;
    unsigned char *buf = (unsigned char *)malloc(cap);
    if (!f || !buf) {
        free(buf);
        if (err) snprintf(err->message, sizeof err->message, "out of memory encoding a %dx%d PNG", width, height);
        return PREP_ERR_MEMORY;
    }
    for (int y = 0; y < height; y++) {
        const unsigned char *src = pixels + (size_t)y * stride;
        unsigned char *dst = f + (size_t)y * row;
        dst[0] = 1;
        dst++;
        if (channels == 1) {
            dst[0] = src[0];
            for (size_t x = 1; x < stride; x++) dst[x] = (unsigned char)(src[x] - src[x - 1]);
        } else {
            int r = color == PREP_BGR ? 2 : 0, b = 2 - r;
            dst[0] = src[r]; dst[1] = src[1]; dst[2] = src[b];
            for (size_t x = 3; x < stride; x += 3) {
                dst[x] = (unsigned char)(src[x + r] - src[x + r - 3]);
                dst[x + 1] = (unsigned char)(src[x + 1] - src[x - 2]);
                dst[x + 2] = (unsigned char)(src[x + b] - src[x + b - 3]);
            }
        }
    }

    /* Tokens: a literal byte (0..255), or a run of 3..258 copies of the previous byte
     * (256 + length, distance 1). */
    uint32_t lit_freq[LIT_SYMS] = { 0 }, dist_freq[DIST_SYMS] = { 0 };
    /* Literal counts go to two tables by position parity: consecutive equal bytes would
     * otherwise wait on each other's increment. */
    uint32_t lit2[256] = { 0 };
    size_t nt = 0, i = 1;
    unsigned prev = f[0];
    tokens[nt++] = (uint16_t)prev;
    lit_freq[prev]++;
    while (i < n) {
        if (i + 8 <= n) {
            /* Eight positions at once: byte j of x is zero where f[i+j] equals the byte before
             * it; a run starts at the first j with three such zeros in a row. Positions before
             * it (up to six when there is none) are literals. */
            uint64_t a, b;
            memcpy(&a, f + i, 8);
            memcpy(&b, f + i - 1, 8);
            uint64_t x = a ^ b;
            uint64_t nonzero = (x | ((x & 0x7F7F7F7F7F7F7F7FULL) + 0x7F7F7F7F7F7F7F7FULL)) & 0x8080808080808080ULL;
            uint64_t zero = ~nonzero & 0x8080808080808080ULL;
            uint64_t start = zero & (zero >> 8) & (zero >> 16) & 0x0000808080808080ULL;
            int lits = start ? __builtin_ctzll(start) >> 3 : 6;
            for (int j = 0; j < lits; j++) {
                unsigned c = f[i + j];
                tokens[nt++] = (uint16_t)c;
                if (j & 1) lit2[c]++; else lit_freq[c]++;
            }
            i += (size_t)lits;
            prev = f[i - 1];
            if (!start) continue;
        }
        unsigned c = f[i];
        if (c != prev || i + 3 > n || f[i + 1] != c || f[i + 2] != c) {
            tokens[nt++] = (uint16_t)c;
            if (i & 1) lit2[c]++; else lit_freq[c]++;
            prev = c;
            i++;
            continue;
        }
        size_t run = 3, max = n - i < MAX_RUN ? n - i : MAX_RUN;
        while (run < max && f[i + run] == c) run++;
        tokens[nt++] = (uint16_t)(256 + run);
        lit_freq[257 + len_index[run]]++;
        dist_freq[0]++;
        i += run;
    }
    for (int k = 0; k < 256; k++) lit_freq[k] += lit2[k];
    lit_freq[256] = 1;
    /* At least two distance codes, as zlib sends: some decoders reject a one-code tree. */
    if (!dist_freq[0]) dist_freq[0] = 1;
    dist_freq[1] = 1;

    uint8_t lit_len[LIT_SYMS], dist_len[DIST_SYMS], cl_len[CL_SYMS];
    uint16_t lit_code[LIT_SYMS], dist_code[DIST_SYMS], cl_code[CL_SYMS];
    huffman_lengths(lit_freq, LIT_SYMS, 15, lit_len);
    huffman_lengths(dist_freq, DIST_SYMS, 15, dist_len);
    canonical_codes(lit_len, LIT_SYMS, lit_code);
    canonical_codes(dist_len, DIST_SYMS, dist_code);

    int hlit = LIT_SYMS, hdist = DIST_SYMS;
    while (hlit > 257 && !lit_len[hlit - 1]) hlit--;
    while (hdist > 1 && !dist_len[hdist - 1]) hdist--;

    /* Code lengths of both trees as one sequence, zero runs as 17/18 and repeats as 16. */
    uint8_t seq[LIT_SYMS + DIST_SYMS], cl_sym[LIT_SYMS + DIST_SYMS], cl_extra[LIT_SYMS + DIST_SYMS];
    int ns = 0, nc = 0;
    for (int k = 0; k < hlit; k++) seq[ns++] = lit_len[k];
    for (int k = 0; k < hdist; k++) seq[ns++] = dist_len[k];
    uint32_t cl_freq[CL_SYMS] = { 0 };
    for (int k = 0; k < ns;) {
        int v = seq[k], run = 1;
        while (k + run < ns && seq[k + run] == v) run++;
        k += run;
        if (v == 0) {
            while (run >= 11) { int r = run < 138 ? run : 138; cl_sym[nc] = 18; cl_extra[nc++] = (uint8_t)(r - 11); run -= r; }
            if (run >= 3) { cl_sym[nc] = 17; cl_extra[nc++] = (uint8_t)(run - 3); run = 0; }
            while (run-- > 0) { cl_sym[nc] = 0; cl_extra[nc++] = 0; }
        } else {
            cl_sym[nc] = (uint8_t)v; cl_extra[nc++] = 0; run--;
            while (run >= 3) { int r = run < 6 ? run : 6; cl_sym[nc] = 16; cl_extra[nc++] = (uint8_t)(r - 3); run -= r; }
            while (run-- > 0) { cl_sym[nc] = (uint8_t)v; cl_extra[nc++] = 0; }
        }
    }
    for (int k = 0; k < nc; k++) cl_freq[cl_sym[k]]++;
    huffman_lengths(cl_freq, CL_SYMS, 7, cl_len);
    canonical_codes(cl_len, CL_SYMS, cl_code);
    int hclen = CL_SYMS;
    while (hclen > 4 && !cl_len[cl_order[hclen - 1]]) hclen--;

    /* PNG signature, IHDR, then the IDAT chunk whose data is the zlib stream. */
    static const unsigned char signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    unsigned char *p = buf;
    memcpy(p, signature, 8); p += 8;
    unsigned char *ihdr = p + 4;
    memcpy(ihdr, "IHDR", 4);
    put_u32be(ihdr + 4, (uint32_t)width);
    put_u32be(ihdr + 8, (uint32_t)height);
    ihdr[12] = 8;                         /* bit depth */
    ihdr[13] = channels == 1 ? 0 : 2;     /* gray / RGB */
    ihdr[14] = 0; ihdr[15] = 0; ihdr[16] = 0;
    p = finish_chunk(ihdr, 13);
    unsigned char *idat = p + 4;
    memcpy(idat, "IDAT", 4);
    unsigned char *z = idat + 4;
    z[0] = 0x78; z[1] = 0x01;             /* deflate, 32K window, fastest */
    bit_writer w = { 0, 0, z + 2 };
    put_bits(&w, 1, 1);                   /* final block */
    put_bits(&w, 2, 2);                   /* dynamic Huffman */
    put_bits(&w, (uint32_t)(hlit - 257), 5);
    put_bits(&w, (uint32_t)(hdist - 1), 5);
    put_bits(&w, (uint32_t)(hclen - 4), 4);
    for (int k = 0; k < hclen; k++) put_bits(&w, cl_len[cl_order[k]], 3);
    static const uint8_t cl_extra_bits[3] = { 2, 3, 7 };
    for (int k = 0; k < nc; k++) {
        int s = cl_sym[k];
        put_bits(&w, cl_code[s], cl_len[s]);
        if (s >= 16) put_bits(&w, cl_extra[k], cl_extra_bits[s - 16]);
    }
    /* Every token's whole bit string (a literal, or length code + extra bits + distance code)
     * from one table, written without a branch per token: at most 7 + 21 bits are pending,
     * and whole bytes go out with one unaligned 8-byte store (the buffer has room for it). */
    uint32_t tok_bits[256 + MAX_RUN + 1];
    uint8_t tok_len[256 + MAX_RUN + 1];
    for (int k = 0; k < 256; k++) { tok_bits[k] = lit_code[k]; tok_len[k] = lit_len[k]; }
    for (int run = 3; run <= MAX_RUN; run++) {
        int li = len_index[run], s = 257 + li, nb = lit_len[s];
        uint32_t v = lit_code[s];
        v |= (uint32_t)(run - len_base[li]) << nb; nb += len_extra[li];
        v |= (uint32_t)dist_code[0] << nb; nb += dist_len[0];
        tok_bits[256 + run] = v;
        tok_len[256 + run] = (uint8_t)nb;
    }
    uint64_t bits = w.bits;
    int count = w.count;
    unsigned char *q = w.p;
    for (size_t t = 0; t < nt; t++) {
        unsigned tok = tokens[t];
        bits |= (uint64_t)tok_bits[tok] << count;
        count += tok_len[tok];
        memcpy(q, &bits, 8); /* little-endian machines only: checked at build time below */
        int bytes = count >> 3;
        q += bytes;
        bits = bytes ? bits >> (bytes * 8) : bits;
        count &= 7;
    }
    w.bits = bits; w.count = count; w.p = q;
    put_bits(&w, lit_code[256], lit_len[256]);
    flush_bits(&w);
    uint32_t adler = (uint32_t)adler32_z(adler32_z(0L, Z_NULL, 0), f, n);
    put_u32be(w.p, adler);
    size_t zlen = (size_t)(w.p + 4 - z);
    p = finish_chunk(idat, zlen);
    unsigned char *iend = p + 4;
    memcpy(iend, "IEND", 4);
    p = finish_chunk(iend, 0);
    *out = buf;
    *out_len = (size_t)(p - buf);
    return PREP_OK;
}
