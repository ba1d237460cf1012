#ifndef PREP_IMAGE_SHIM_H
#define PREP_IMAGE_SHIM_H
/*
 * The only C in prep: libjpeg and libpng report fatal errors by longjmp (or exit), which Swift
 * cannot catch, and libjpeg treats a file cut in its data as a mere warning ("Premature end of
 * JPEG file") and fills the rest grey. Every function here returns 0 on success and a negative
 * code with a message in `err` on failure; a cut file is an error.
 */
#include <stddef.h>

typedef struct {
    char message[256];
    int warnings;      /* libjpeg warnings that were not fatal (corrupt-data notices) */
} prep_image_error;

enum { PREP_OK = 0, PREP_ERR_DECODE = -1, PREP_ERR_TRUNCATED = -2, PREP_ERR_ARGS = -3, PREP_ERR_MEMORY = -4 };

/* Channel order of decoded pixels. */
enum { PREP_GRAY = 1, PREP_BGR = 3, PREP_RGB = 4 };

/* Reads the JPEG header: stored width, height and component count. */
int prep_jpeg_info(const unsigned char *data, size_t len, int *width, int *height, int *components,
                   prep_image_error *err);

/*
 * Decodes the region [x0, x1) × [y0, y1) of a JPEG (x1 = y1 = 0 means the whole image) into
 * `out` (row-major, (x1-x0) × (y1-y0) × channels, channels 1 for PREP_GRAY else 3).
 * Pixels equal a full decode with libjpeg's defaults: columns are decoded with a margin
 * (jpeg_crop_scanline widens to an iMCU and its edge columns differ), rows before y0 are
 * skipped with jpeg_skip_scanlines, decoding stops after y1.
 */
int prep_jpeg_decode(const unsigned char *data, size_t len, int x0, int y0, int x1, int y1,
                     int color, unsigned char *out, prep_image_error *err);

/*
 * Like prep_jpeg_decode, for several row bands at once: `bands` holds `nbands` pairs [y0, y1),
 * sorted and not overlapping. `out` holds the rows from the first band's y0 to the last band's
 * y1 (stride (x1-x0) × channels); rows between bands are left as they are. Rows between bands
 * are skipped (entropy-decoded only), so crops spread over an image cost less than its full decode.
 */
int prep_jpeg_decode_bands(const unsigned char *data, size_t len, int x0, int x1, const int *bands, int nbands,
                           int color, unsigned char *out, prep_image_error *err);

/*
 * Decodes a whole JPEG reduced 1/`denom` (1, 2, 4 or 8) by libjpeg's DCT scaling, into `out`
 * (`width` × `height` × channels, where width = ceil(W / denom), height = ceil(H / denom):
 * the size libjpeg gives, checked). Memory and time fall with the scale: huge pages.
 */
int prep_jpeg_decode_scaled(const unsigned char *data, size_t len, int denom, int color, unsigned char *out,
                            int width, int height, prep_image_error *err);

/* Encodes 8-bit pixels (channels 1 or 3, order given by `color`) as baseline JPEG. */
int prep_jpeg_encode(const unsigned char *pixels, int width, int height, int color, int quality,
                     unsigned char **out, size_t *out_len, prep_image_error *err);

/* The quantisation tables of a JPEG (natural order, 64 values each, tables 0, 1, … while
 * defined; at most 4) and its component count, read from its header. */
int prep_jpeg_quant_tables(const unsigned char *data, size_t len, unsigned short *tables, int *count,
                           int *components, prep_image_error *err);

/* Encodes like prep_jpeg_encode but with the given quantisation tables instead of a quality,
 * as Pillow does for `save(…, qtables=…)`. */
int prep_jpeg_encode_tables(const unsigned char *pixels, int width, int height, int color,
                            const unsigned short *tables, int ntables,
                            unsigned char **out, size_t *out_len, prep_image_error *err);

/* Reads the PNG header. */
int prep_png_info(const unsigned char *data, size_t len, int *width, int *height, int *channels,
                  int *bit_depth, prep_image_error *err);

/*
 * Decodes a PNG to 8-bit gray or 3-channel pixels as OpenCV's imread does for IMREAD_COLOR /
 * IMREAD_GRAYSCALE: 16-bit reduced by dropping the low byte, palette and gray expanded, alpha
 * stripped (not composited).
 */
int prep_png_decode(const unsigned char *data, size_t len, int color, unsigned char *out,
                    prep_image_error *err);

/*
 * Encodes 8-bit pixels (channels 1 or 3, order given by `color`) as an 8-bit gray or RGB PNG with
 * OpenCV's default filtering (Sub) and run-length deflate, written by prep's own encoder
 * (png_encode.c): same size as libpng + zlib at OpenCV's settings, several times faster.
 */
int prep_png_encode(const unsigned char *pixels, int width, int height, int color,
                    unsigned char **out, size_t *out_len, prep_image_error *err);

/*
 * Checks that a JPEG decodes, as cheaply as a full check allows: every entropy-coded block is
 * decoded (a cut or corrupt file fails exactly as in a full decode) but the output is a 1/8-scale
 * grayscale image that is thrown away. Reports the stored width and height.
 */
int prep_jpeg_verify(const unsigned char *data, size_t len, int *width, int *height, prep_image_error *err);

/* Frees a buffer returned by an encoder. */
void prep_image_free(void *p);

#endif
