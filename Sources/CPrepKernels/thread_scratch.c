/* Each thread's scratch buffers for the kernels (thread_scratch.h): pthread keys, so a buffer
   is freed with its thread (the engine's Dispatch worker threads come and go). */
#include "thread_scratch.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct {
    float *data;
    size_t count;
} scratch;

static pthread_key_t keys[PREP_SCRATCH_SLOTS];
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;

static void release(void *p) {
    scratch *s = p;
    free(s->data);
    free(s);
}

static void make_keys(void) {
    for (int i = 0; i < PREP_SCRATCH_SLOTS; i++) pthread_key_create(&keys[i], release);
}

float *prep_thread_scratch(int slot, size_t floats) {
    pthread_once(&keys_once, make_keys);
    scratch *s = pthread_getspecific(keys[slot]);
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) abort();
        pthread_setspecific(keys[slot], s);
    }
    if (s->count < floats) {
        free(s->data);
        /* aligned_alloc wants a multiple of the alignment */
        size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
        s->data = aligned_alloc(64, bytes);
        if (!s->data) abort();
        s->count = floats;
    }
    return s->data;
}
