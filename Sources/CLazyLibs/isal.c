/* ISA-L's inflate (Debian's libisal2), loaded on first use, behind lazy_inflate.h. Optional, unlike
 * the other lazy libraries: when it cannot be loaded, prep inflates with zlib (StreamInflater). */
#include "hidden_begin.h"
#include <isa-l/igzip_lib.h>
#include "forward.h"
#include "lazy_inflate.h"

#define L PREP_LIB_ISAL
PREP_FORWARD_VOID(L, isal_inflate_init, (struct inflate_state *state), (state))
PREP_FORWARD(L, int, isal_inflate, (struct inflate_state *state), (state))

void *prep_isal_inflate_new(void) {
    if (!prep_lazy_available(PREP_LIB_ISAL, NULL, 0)) return NULL;
    struct inflate_state *s = malloc(sizeof *s);
    if (!s) return NULL;
    isal_inflate_init(s);
    s->crc_flag = ISAL_ZLIB;   /* the zlib header and its adler32 trailer, checked */
    return s;
}

int prep_isal_inflate(void *state, const unsigned char *in, unsigned in_len, unsigned char *out, unsigned out_len,
                      unsigned *in_used, unsigned *out_made) {
    struct inflate_state *s = state;
    s->next_in = (uint8_t *)in;
    s->avail_in = in_len;
    s->next_out = out;
    s->avail_out = out_len;
    int rc = isal_inflate(s);
    *in_used = in_len - s->avail_in;
    *out_made = out_len - s->avail_out;
    if (rc == ISAL_NEED_DICT) return -100;
    if (rc < 0) return rc;
    return s->block_state == ISAL_BLOCK_FINISH ? 1 : 0;
}

void prep_isal_inflate_free(void *state) { free(state); }
