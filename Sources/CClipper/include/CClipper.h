#ifndef PREP_CCLIPPER_H
#define PREP_CCLIPPER_H
/*
 * A C face for Clipper 6.4 (Debian's libpolyclipping, the library pyclipper wraps), so Swift can
 * offset polygons exactly as MMOCR does through pyclipper: ClipperOffset with jtRound and
 * etClosedPolygon on 64-bit integer coordinates, miter limit 2 and arc tolerance 0.25 (pyclipper's
 * defaults). C++ exceptions never cross this boundary: they become a negative return code.
 */
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int64_t *xy;      /* all result points, x y interleaved, path after path (malloc'd) */
    int32_t *counts;  /* points per path (malloc'd) */
    int32_t paths;    /* number of result paths */
} prep_clipper_paths;

/* Offsets one closed polygon of `n` points by `delta` (positive grows, negative shrinks).
 * Returns 0 and fills `out` (free it with prep_clipper_free), or -1 on a Clipper exception or
 * out of memory (then `out` is empty). */
int prep_clipper_offset(const int64_t *xy, int32_t n, double delta, double miter_limit,
                        double arc_tolerance, prep_clipper_paths *out);

/* Frees what prep_clipper_offset allocated; safe on an empty result. */
void prep_clipper_free(prep_clipper_paths *paths);

#ifdef __cplusplus
}
#endif

#endif
