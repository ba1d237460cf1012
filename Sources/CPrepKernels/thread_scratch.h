#ifndef PREP_THREAD_SCRATCH_H
#define PREP_THREAD_SCRATCH_H
/* Internal to CPrepKernels (not in include/): each thread's scratch buffers. */
#include <stddef.h>

/* The kernels' buffers, one of each per thread. */
enum prep_scratch_slot {
    PREP_SCRATCH_PACKED_B = 0, /* packed_gemm.c: B chunks */
    PREP_SCRATCH_PANEL_B,      /* gemm_avx512.c: the packed B panel */
    PREP_SCRATCH_WINOGRAD,     /* winograd_tiles.c: a row's even/odd splits */
    PREP_SCRATCH_SLOTS
};

/* The calling thread's buffer `slot`, 64-byte aligned, at least `floats` floats (grown as
   needed, contents not kept when it grows), freed when the thread ends. Aborts when memory
   runs out. */
float *prep_thread_scratch(int slot, size_t floats);

#endif
