#ifndef PREP_JSON_SCAN_H
#define PREP_JSON_SCAN_H
/*
 * Finding where a JSON value ends, 16 bytes at a time (SSE2; plain C elsewhere): the byte scan
 * behind `prep merge`'s JSON records, where the bytes that matter (quotes, backslashes,
 * brackets, braces) are a few in a hundred (a COCO polygon is a run of digits and commas).
 */
#include <stddef.h>
#include <stdint.h>

/* Where a value being scanned stands, kept across buffers. */
typedef struct {
    int64_t depth;      /* open brackets and braces outside strings */
    uint8_t in_string;  /* inside a string */
    uint8_t escape;     /* the previous byte was a backslash inside a string */
} prep_json_scan_state;

/* Scans p[0..<n) from `state`: returns 1 when the value closes (a bracket or brace bringing the
 * depth to 0 outside a string, or the quote closing a string at depth 0), with `*used` the
 * offset just past that byte; 0 when the bytes end first (`*used` = n). `state` is updated
 * either way. Bytes other than quote, backslash, brackets and braces change nothing (a
 * backslash outside a string neither). */
int prep_json_scan_value(const uint8_t *p, size_t n, prep_json_scan_state *state, size_t *used);

#endif
