#include "CImageShim.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

/* ---------------------------------------------------------------- JPEG */

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    prep_image_error *err;
    int truncated;
} shim_jpeg_error;

static void shim_error_exit(j_common_ptr cinfo) {
    shim_jpeg_error *e = (shim_jpeg_error *)cinfo->err;
    if (e->err) (*cinfo->err->format_message)(cinfo, e->err->message);
    longjmp(e->jump, 1);
}

static void shim_emit_message(j_common_ptr cinfo, int level) {
    shim_jpeg_error *e = (shim_jpeg_error *)cinfo->err;
    if (level >= 0) return; /* trace messages */
    if (cinfo->err->msg_code == JWRN_JPEG_EOF) {
        /* A file cut in its data: libjpeg would fill the rest grey and carry on. */
        e->truncated = 1;
        if (e->err) (*cinfo->err->format_message)(cinfo, e->err->message);
        longjmp(e->jump, 1);
    }
    if (e->err) e->err->warnings++;
    cinfo->err->num_warnings++;
}

static void shim_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void setup_jpeg_errors(struct jpeg_decompress_struct *ci, shim_jpeg_error *je, prep_image_error *err) {
    ci->err = jpeg_std_error(&je->pub);
    je->pub.error_exit = shim_error_exit;
    je->pub.emit_message = shim_emit_message;
    je->pub.output_message = shim_output_message;
    je->err = err;
    je->truncated = 0;
    if (err) { err->message[0] = 0; err->warnings = 0; }
}

/* libjpeg-turbo decodes Huffman data with a fast path only while at least 512 bytes per block of
 * an MCU remain in the source buffer; a small file (a word crop of a few KB) therefore goes the
 * slow, byte-checking way from start to end, about twice as slow. Small files are decoded from a
 * copy followed by an EOI marker and zeros, which lets the fast path run to the file's real end
 * (it stops at any marker). The file's own end is remembered: if decoding reads past it, the file
 * was cut (without the copy, libjpeg would have reported "Premature end of JPEG file"). */
enum { SHIM_PAD = 8192, SHIM_PAD_BELOW = 1 << 20 };

typedef struct {
    unsigned char *copy;   /* NULL when the file is decoded in place */
    size_t data_len, total_len;
} shim_padded;

static void shim_padded_src(struct jpeg_decompress_struct *ci, const unsigned char *data, size_t len,
                            volatile shim_padded *p) {
    p->copy = NULL;
    p->data_len = len;
    p->total_len = len;
    if (len > 0 && len < SHIM_PAD_BELOW) {
        unsigned char *copy = (unsigned char *)malloc(len + SHIM_PAD);
        if (copy) {
            memcpy(copy, data, len);
            memset(copy + len, 0, SHIM_PAD);
            copy[len] = 0xFF;
            copy[len + 1] = JPEG_EOI;
            p->copy = copy;
            p->total_len = len + SHIM_PAD;
            data = copy;
        }
    }
    jpeg_mem_src(ci, data, (unsigned long)p->total_len);
}

/* Whether decoding has read past the end of the file's own bytes (into the added EOI). */
static int shim_read_past_end(struct jpeg_decompress_struct *ci, const volatile shim_padded *p) {
    return p->copy && ci->src && p->total_len - ci->src->bytes_in_buffer > p->data_len;
}

static int shim_cut(prep_image_error *err) {
    if (err) snprintf(err->message, sizeof err->message, "Premature end of JPEG file");
    return PREP_ERR_TRUNCATED;
}

/* The one setjmp frame of the JPEG readers: reads the header, then hands the decompressor to
 * `fn`, which configures and decodes what it needs. libjpeg's errors longjmp back here, so the
 * callers need no setjmp of their own; a row buffer `fn` keeps in `*scratch` is freed here
 * whatever happens. With `decodes`, the data is read from the padded copy (see
 * shim_padded_src) and reading past the file's own end is a cut file. `fn` returns PREP_OK or
 * its own error code (message set). */
typedef int (*shim_jpeg_fn)(struct jpeg_decompress_struct *ci, void *ctx, unsigned char *volatile *scratch,
                            prep_image_error *err);

static int shim_run(const unsigned char *data, size_t len, int decodes, shim_jpeg_fn fn, void *ctx,
                    prep_image_error *err) {
    struct jpeg_decompress_struct ci;
    shim_jpeg_error je;
    unsigned char *volatile scratch = NULL;
    volatile shim_padded pad = { NULL, 0, 0 };
    setup_jpeg_errors(&ci, &je, err);
    if (setjmp(je.jump)) {
        int cut = je.truncated || shim_read_past_end(&ci, &pad);
        jpeg_destroy_decompress(&ci);
        free(scratch);
        free(pad.copy);
        return cut ? shim_cut(err) : PREP_ERR_DECODE;
    }
    jpeg_create_decompress(&ci);
    if (decodes) shim_padded_src(&ci, data, len, &pad);
    else jpeg_mem_src(&ci, data, (unsigned long)len);
    jpeg_read_header(&ci, TRUE);
    int rc = fn(&ci, ctx, &scratch, err);
    int cut = rc == PREP_OK && shim_read_past_end(&ci, &pad);
    jpeg_destroy_decompress(&ci);
    free(scratch);
    free(pad.copy);
    return rc != PREP_OK ? rc : cut ? shim_cut(err) : PREP_OK;
}

typedef struct { int *width, *height, *components; } shim_info_out;

static int shim_take_info(struct jpeg_decompress_struct *ci, void *ctx, unsigned char *volatile *scratch,
                          prep_image_error *err) {
    (void)scratch; (void)err;
    shim_info_out *o = (shim_info_out *)ctx;
    *o->width = (int)ci->image_width;
    *o->height = (int)ci->image_height;
    *o->components = ci->num_components;
    return PREP_OK;
}

int prep_jpeg_info(const unsigned char *data, size_t len, int *width, int *height, int *components,
                   prep_image_error *err) {
    shim_info_out o = { width, height, components };
    return shim_run(data, len, 0, shim_take_info, &o, err);
}

int prep_jpeg_decode(const unsigned char *data, size_t len, int x0, int y0, int x1, int y1,
                     int color, unsigned char *out, prep_image_error *err) {
    int band[2] = { y0, y1 };
    if (x1 <= 0 && y1 <= 0) {
        int w, h, c;
        int rc = prep_jpeg_info(data, len, &w, &h, &c, err);
        if (rc != PREP_OK) return rc;
        x0 = 0; x1 = w; band[0] = 0; band[1] = h;
    }
    return prep_jpeg_decode_bands(data, len, x0, x1, band, 1, color, out, err);
}

/* Converts one decoded row of `n` pixels with `outc` components (1, 3, or 4 = Adobe CMYK) to
 * `channels` (1 or 3, order `color`), as OpenCV's imread does. */
static int shim_convert_row(unsigned char *dst, const unsigned char *src, int n, int outc, int channels, int color,
                            prep_image_error *err) {
    if (outc == channels) {
        memcpy(dst, src, (size_t)n * (size_t)channels);
    } else if (outc == 1) { /* gray source, colour output */
        for (int i = 0; i < n; i++) { dst[3*i] = dst[3*i+1] = dst[3*i+2] = src[i]; }
    } else if (outc == 4) { /* CMYK (Adobe inverted): OpenCV's icvCvt_CMYK2BGR / CMYK2Gray */
        for (int i = 0; i < n; i++) {
            int c = src[4*i], m = src[4*i+1], yy = src[4*i+2], k = src[4*i+3];
            c = k - (((255 - c) * k) >> 8);
            m = k - (((255 - m) * k) >> 8);
            yy = k - (((255 - yy) * k) >> 8);
            if (channels == 1) dst[i] = (unsigned char)((yy * 7471 + m * 38470 + c * 19595 + (1 << 15)) >> 16);
            else if (color == PREP_BGR) { dst[3*i] = (unsigned char)yy; dst[3*i+1] = (unsigned char)m; dst[3*i+2] = (unsigned char)c; }
            else { dst[3*i] = (unsigned char)c; dst[3*i+1] = (unsigned char)m; dst[3*i+2] = (unsigned char)yy; }
        }
    } else {
        if (err) snprintf(err->message, sizeof err->message, "unsupported JPEG output with %d components", outc);
        return PREP_ERR_DECODE;
    }
    return PREP_OK;
}

/* The output colour space for `color` (CMYK stays CMYK: converted per row by shim_convert_row). */
static void shim_set_out_color(struct jpeg_decompress_struct *ci, int color) {
    if (ci->jpeg_color_space == JCS_CMYK || ci->jpeg_color_space == JCS_YCCK) {
        /* libjpeg cannot convert CMYK to gray or RGB: decode CMYK and convert rows below as
         * OpenCV does (so gray and colour both match cv2.imread). */
        ci->out_color_space = JCS_CMYK;
    } else if (color == PREP_GRAY) ci->out_color_space = JCS_GRAYSCALE;
    else ci->out_color_space = color == PREP_BGR ? JCS_EXT_BGR : JCS_EXT_RGB;
}

typedef struct {
    int x0, x1;
    const int *bands;
    int nbands, color;
    unsigned char *out;
} shim_bands_job;

static int shim_decode_bands(struct jpeg_decompress_struct *ci, void *ctx, unsigned char *volatile *scratch,
                             prep_image_error *err) {
    const shim_bands_job *job = (const shim_bands_job *)ctx;
    int x0 = job->x0, x1 = job->x1, nbands = job->nbands, color = job->color;
    const int *bands = job->bands;
    unsigned char *out = job->out;
    int channels = color == PREP_GRAY ? 1 : 3;
    shim_set_out_color(ci, color);
    int W = (int)ci->image_width, H = (int)ci->image_height;
    int bad = nbands < 1 || x0 < 0 || x1 > W || x0 >= x1;
    for (int b = 0; b < nbands && !bad; b++) {
        int ya = bands[2*b], yb = bands[2*b+1];
        if (ya < 0 || yb > H || ya >= yb || (b > 0 && ya < bands[2*b-1])) bad = 1;
    }
    if (bad) {
        if (err) snprintf(err->message, sizeof err->message,
                          "region [%d,%d)x[%d,%d) (%d bands) outside a %dx%d image", x0, x1,
                          nbands > 0 ? bands[0] : 0, nbands > 0 ? bands[2*nbands-1] : 0, nbands, W, H);
        return PREP_ERR_ARGS;
    }
    jpeg_start_decompress(ci);
    int outc = ci->output_components; /* 1, 3 or 4 (CMYK) */

    /* Columns: decode a widened band with a 16-pixel margin so that fancy upsampling at the
     * band's edges sees the same neighbours as a full decode. */
    JDIMENSION cx = 0, cw = ci->output_width;
    int margin = 16;
    int want_x0 = x0 - margin < 0 ? 0 : x0 - margin;
    int want_x1 = x1 + margin > W ? W : x1 + margin;
    if (want_x0 > 0 || want_x1 < W) {
        cx = (JDIMENSION)want_x0;
        cw = (JDIMENSION)(want_x1 - want_x0);
        jpeg_crop_scanline(ci, &cx, &cw);
    }
    unsigned char *row = (unsigned char *)malloc((size_t)cw * (size_t)outc);
    *scratch = row;
    if (!row) return PREP_ERR_MEMORY;
    size_t out_stride = (size_t)(x1 - x0) * (size_t)channels;
    int skip_cols = x0 - (int)cx;
    int top = bands[0];
    for (int b = 0; b < nbands; b++) {
        int y0 = bands[2*b], y1 = bands[2*b+1];
        /* Rows: skip to a few rows above the band (same reasoning for vertical upsampling);
         * skipped rows are only entropy-decoded. */
        int start_row = y0 - margin < 0 ? 0 : y0 - margin;
        if (start_row > (int)ci->output_scanline) jpeg_skip_scanlines(ci, (JDIMENSION)(start_row - (int)ci->output_scanline));
        while ((int)ci->output_scanline < y1) {
            int y = (int)ci->output_scanline;
            JSAMPROW rp = row;
            jpeg_read_scanlines(ci, &rp, 1);
            if (y < y0) continue;
            unsigned char *dst = out + (size_t)(y - top) * out_stride;
            const unsigned char *src = row + (size_t)skip_cols * (size_t)outc;
            if (shim_convert_row(dst, src, x1 - x0, outc, channels, color, err) != PREP_OK) return PREP_ERR_DECODE;
        }
    }
    if ((int)ci->output_scanline == (int)ci->output_height) jpeg_finish_decompress(ci);
    return PREP_OK;
}

int prep_jpeg_decode_bands(const unsigned char *data, size_t len, int x0, int x1, const int *bands, int nbands,
                           int color, unsigned char *out, prep_image_error *err) {
    shim_bands_job job = { x0, x1, bands, nbands, color, out };
    return shim_run(data, len, 1, shim_decode_bands, &job, err);
}

typedef struct { int denom, color, width, height; unsigned char *out; } shim_scaled_job;

static int shim_decode_scaled(struct jpeg_decompress_struct *ci, void *ctx, unsigned char *volatile *scratch,
                              prep_image_error *err) {
    const shim_scaled_job *job = (const shim_scaled_job *)ctx;
    int channels = job->color == PREP_GRAY ? 1 : 3;
    shim_set_out_color(ci, job->color);
    ci->scale_num = 1;
    ci->scale_denom = (unsigned int)job->denom;
    jpeg_start_decompress(ci);
    if ((int)ci->output_width != job->width || (int)ci->output_height != job->height) {
        if (err) snprintf(err->message, sizeof err->message, "scaled JPEG output %ux%u, expected %dx%d",
                          ci->output_width, ci->output_height, job->width, job->height);
        return PREP_ERR_ARGS;
    }
    int outc = ci->output_components;
    unsigned char *row = (unsigned char *)malloc((size_t)ci->output_width * (size_t)outc);
    *scratch = row;
    if (!row) return PREP_ERR_MEMORY;
    size_t stride = (size_t)job->width * (size_t)channels;
    while (ci->output_scanline < ci->output_height) {
        int y = (int)ci->output_scanline;
        JSAMPROW rp = row;
        jpeg_read_scanlines(ci, &rp, 1);
        if (shim_convert_row(job->out + (size_t)y * stride, row, job->width, outc, channels, job->color, err) != PREP_OK)
            return PREP_ERR_DECODE;
    }
    jpeg_finish_decompress(ci);
    return PREP_OK;
}

int prep_jpeg_decode_scaled(const unsigned char *data, size_t len, int denom, int color, unsigned char *out,
                            int width, int height, prep_image_error *err) {
    if (denom != 1 && denom != 2 && denom != 4 && denom != 8) {
        if (err) snprintf(err->message, sizeof err->message, "JPEG scale 1/%d is not 1/1, 1/2, 1/4 or 1/8", denom);
        return PREP_ERR_ARGS;
    }
    shim_scaled_job job = { denom, color, width, height, out };
    return shim_run(data, len, 1, shim_decode_scaled, &job, err);
}

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    prep_image_error *err;
} shim_jpeg_cerror;

static void shim_cerror_exit(j_common_ptr cinfo) {
    shim_jpeg_cerror *e = (shim_jpeg_cerror *)cinfo->err;
    if (e->err) (*cinfo->err->format_message)(cinfo, e->err->message);
    longjmp(e->jump, 1);
}

typedef struct { unsigned short *tables; int *count, *components; } shim_tables_out;

/* Tables 0, 1, … as long as they are defined (Pillow's `quantization` dict in key order). */
static int shim_take_tables(struct jpeg_decompress_struct *ci, void *ctx, unsigned char *volatile *scratch,
                            prep_image_error *err) {
    (void)scratch; (void)err;
    shim_tables_out *o = (shim_tables_out *)ctx;
    int n = 0;
    while (n < NUM_QUANT_TBLS && ci->quant_tbl_ptrs[n]) {
        for (int k = 0; k < DCTSIZE2; k++) o->tables[n * DCTSIZE2 + k] = ci->quant_tbl_ptrs[n]->quantval[k];
        n++;
    }
    *o->count = n;
    *o->components = ci->num_components;
    return PREP_OK;
}

int prep_jpeg_quant_tables(const unsigned char *data, size_t len, unsigned short *tables, int *count,
                           int *components, prep_image_error *err) {
    shim_tables_out o = { tables, count, components };
    *count = 0;
    return shim_run(data, len, 0, shim_take_tables, &o, err);
}

static int shim_jpeg_encode(const unsigned char *pixels, int width, int height, int color, int quality,
                            const unsigned short *tables, int ntables,
                            unsigned char **out, size_t *out_len, prep_image_error *err);

int prep_jpeg_encode(const unsigned char *pixels, int width, int height, int color, int quality,
                     unsigned char **out, size_t *out_len, prep_image_error *err) {
    return shim_jpeg_encode(pixels, width, height, color, quality, NULL, 0, out, out_len, err);
}

int prep_jpeg_encode_tables(const unsigned char *pixels, int width, int height, int color,
                            const unsigned short *tables, int ntables,
                            unsigned char **out, size_t *out_len, prep_image_error *err) {
    if (ntables < 1 || ntables > NUM_QUANT_TBLS) {
        if (err) snprintf(err->message, sizeof err->message, "%d quantisation tables (1 to %d expected)", ntables, NUM_QUANT_TBLS);
        return PREP_ERR_ARGS;
    }
    return shim_jpeg_encode(pixels, width, height, color, 0, tables, ntables, out, out_len, err);
}

static int shim_jpeg_encode(const unsigned char *pixels, int width, int height, int color, int quality,
                            const unsigned short *tables, int ntables,
                            unsigned char **out, size_t *out_len, prep_image_error *err) {
    struct jpeg_compress_struct ci;
    shim_jpeg_cerror je;
    unsigned char *volatile buf = NULL;
    unsigned long size = 0;
    if (width <= 0 || height <= 0) {
        if (err) snprintf(err->message, sizeof err->message, "cannot encode an empty %dx%d image", width, height);
        return PREP_ERR_ARGS;
    }
    ci.err = jpeg_std_error(&je.pub);
    je.pub.error_exit = shim_cerror_exit;
    je.pub.output_message = shim_output_message;
    je.err = err;
    if (err) { err->message[0] = 0; err->warnings = 0; }
    if (setjmp(je.jump)) {
        jpeg_destroy_compress(&ci);
        free(buf);
        return PREP_ERR_DECODE;
    }
    jpeg_create_compress(&ci);
    unsigned char *b = NULL;
    jpeg_mem_dest(&ci, &b, &size);
    ci.image_width = (JDIMENSION)width;
    ci.image_height = (JDIMENSION)height;
    ci.input_components = color == PREP_GRAY ? 1 : 3;
    ci.in_color_space = color == PREP_GRAY ? JCS_GRAYSCALE : (color == PREP_BGR ? JCS_EXT_BGR : JCS_EXT_RGB);
    jpeg_set_defaults(&ci);
    if (tables) {
        /* As Pillow saves with `qtables=`: each table as given (scale 100, not forced to
         * baseline), component i uses table i and the rest the last one; a single table
         * also replaces the chroma table jpeg_set_defaults made. */
        unsigned int basic[DCTSIZE2];
        for (int t = 0; t < ntables; t++) {
            for (int k = 0; k < DCTSIZE2; k++) basic[k] = tables[t * DCTSIZE2 + k];
            jpeg_add_quant_table(&ci, t, basic, 100, FALSE);
            if (t < ci.num_components) ci.comp_info[t].quant_tbl_no = t;
        }
        if (ntables == 1) {
            for (int k = 0; k < DCTSIZE2; k++) basic[k] = tables[k];
            jpeg_add_quant_table(&ci, 1, basic, 100, FALSE);
        }
        for (int c = ntables - 1; c < ci.num_components; c++) ci.comp_info[c].quant_tbl_no = ntables - 1;
    } else {
        jpeg_set_quality(&ci, quality, TRUE);
    }
    jpeg_start_compress(&ci, TRUE);
    size_t stride = (size_t)width * (size_t)ci.input_components;
    while (ci.next_scanline < ci.image_height) {
        JSAMPROW rp = (JSAMPROW)(pixels + (size_t)ci.next_scanline * stride);
        jpeg_write_scanlines(&ci, &rp, 1);
    }
    jpeg_finish_compress(&ci);
    buf = b;
    jpeg_destroy_compress(&ci);
    *out = buf;
    *out_len = (size_t)size;
    return PREP_OK;
}

/* ---------------------------------------------------------------- PNG */

typedef struct {
    const unsigned char *data;
    size_t len, pos;
} shim_png_src;

typedef struct {
    prep_image_error *err;
} shim_png_err;

static void shim_png_error(png_structp png, png_const_charp msg) {
    shim_png_err *e = (shim_png_err *)png_get_error_ptr(png);
    if (e && e->err) snprintf(e->err->message, sizeof e->err->message, "%s", msg);
    png_longjmp(png, 1);
}

static void shim_png_warning(png_structp png, png_const_charp msg) {
    shim_png_err *e = (shim_png_err *)png_get_error_ptr(png);
    (void)msg;
    if (e && e->err) e->err->warnings++;
}

static void shim_png_read(png_structp png, png_bytep out, png_size_t n) {
    shim_png_src *s = (shim_png_src *)png_get_io_ptr(png);
    if (s->pos + n > s->len) png_error(png, "file is cut short (read past the end of the data)");
    memcpy(out, s->data + s->pos, n);
    s->pos += n;
}

int prep_png_info(const unsigned char *data, size_t len, int *width, int *height, int *channels,
                  int *bit_depth, prep_image_error *err) {
    shim_png_err pe = { err };
    if (err) { err->message[0] = 0; err->warnings = 0; }
    if (len < 8 || png_sig_cmp(data, 0, 8)) {
        if (err) snprintf(err->message, sizeof err->message, "not a PNG file (bad signature)");
        return PREP_ERR_DECODE;
    }
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &pe, shim_png_error, shim_png_warning);
    if (!png) return PREP_ERR_MEMORY;
    png_infop info = png_create_info_struct(png);
    shim_png_src src = { data, len, 0 };
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        return PREP_ERR_DECODE;
    }
    png_set_read_fn(png, &src, shim_png_read);
    png_read_info(png, info);
    *width = (int)png_get_image_width(png, info);
    *height = (int)png_get_image_height(png, info);
    *channels = (int)png_get_channels(png, info);
    *bit_depth = (int)png_get_bit_depth(png, info);
    png_destroy_read_struct(&png, &info, NULL);
    return PREP_OK;
}

int prep_png_decode(const unsigned char *data, size_t len, int color, unsigned char *out,
                    prep_image_error *err) {
    shim_png_err pe = { err };
    if (err) { err->message[0] = 0; err->warnings = 0; }
    if (len < 8 || png_sig_cmp(data, 0, 8)) {
        if (err) snprintf(err->message, sizeof err->message, "not a PNG file (bad signature)");
        return PREP_ERR_DECODE;
    }
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &pe, shim_png_error, shim_png_warning);
    if (!png) return PREP_ERR_MEMORY;
    png_infop info = png_create_info_struct(png);
    shim_png_src src = { data, len, 0 };
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return (err && strstr(err->message, "cut short")) ? PREP_ERR_TRUNCATED : PREP_ERR_DECODE;
    }
    png_set_read_fn(png, &src, shim_png_read);
    png_read_info(png, info);
    int ct = png_get_color_type(png, info);
    int depth = png_get_bit_depth(png, info);
    if (depth == 16) png_set_strip_16(png);
    if (ct == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (ct == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    png_set_strip_alpha(png);
    if (color == PREP_GRAY) {
        if (ct & PNG_COLOR_MASK_COLOR || ct == PNG_COLOR_TYPE_PALETTE)
            png_set_rgb_to_gray_fixed(png, 1, 29900, 58700); /* OpenCV: 0.299, 0.587 */
    } else {
        if (ct == PNG_COLOR_TYPE_GRAY || ct == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
        if (color == PREP_BGR) png_set_bgr(png);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int h = (int)png_get_image_height(png, info);
    size_t rowbytes = png_get_rowbytes(png, info);
    size_t expect = (size_t)png_get_image_width(png, info) * (color == PREP_GRAY ? 1u : 3u);
    if (rowbytes != expect) {
        if (err) snprintf(err->message, sizeof err->message, "unexpected PNG row size %zu (expected %zu)", rowbytes, expect);
        png_destroy_read_struct(&png, &info, NULL);
        return PREP_ERR_DECODE;
    }
    rows = (png_bytep *)malloc(sizeof(png_bytep) * (size_t)h);
    if (!rows) { png_destroy_read_struct(&png, &info, NULL); return PREP_ERR_MEMORY; }
    for (int y = 0; y < h; y++) rows[y] = out + (size_t)y * rowbytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    free(rows); rows = NULL;
    png_destroy_read_struct(&png, &info, NULL);
    return PREP_OK;
}

void prep_image_free(void *p) { free(p); }

/* ------------------------------------------------------- JPEG verification */

typedef struct { int *width, *height; } shim_verify_out;

static int shim_verify(struct jpeg_decompress_struct *ci, void *ctx, unsigned char *volatile *scratch,
                       prep_image_error *err) {
    (void)err;
    shim_verify_out *o = (shim_verify_out *)ctx;
    if (o->width) *o->width = (int)ci->image_width;
    if (o->height) *o->height = (int)ci->image_height;
    /* Every entropy-coded coefficient is still decoded (that is where damage shows); only the
     * inverse DCT is reduced to the DC term and colour conversion is skipped. */
    ci->out_color_space = JCS_GRAYSCALE;
    ci->scale_num = 1;
    ci->scale_denom = 8;
    ci->do_fancy_upsampling = FALSE;
    jpeg_start_decompress(ci);
    unsigned char *row = (unsigned char *)malloc((size_t)ci->output_width * (size_t)ci->output_components + 1);
    *scratch = row;
    if (!row) return PREP_ERR_MEMORY;
    while (ci->output_scanline < ci->output_height) {
        JSAMPROW rp = row;
        jpeg_read_scanlines(ci, &rp, 1);
    }
    jpeg_finish_decompress(ci);
    return PREP_OK;
}

int prep_jpeg_verify(const unsigned char *data, size_t len, int *width, int *height, prep_image_error *err) {
    shim_verify_out o = { width, height };
    return shim_run(data, len, 1, shim_verify, &o, err);
}
