/* The forwarders' shape (see include/lazy_libs.h): each function looks its symbol up once and
 * calls it. Included by the per-library files, after hidden_begin.h and the library's
 * headers, so the definitions stay inside the executable. */
#include "lazy_libs.h"

#define PREP_RESOLVE(LIB, NAME, TYPE)                                                  \
    static TYPE fn_;                                                                   \
    TYPE fn_p_ = __atomic_load_n(&fn_, __ATOMIC_ACQUIRE);                                \
    if (!fn_p_) {                                                                       \
        fn_p_ = (TYPE)prep_lazy_symbol(LIB, #NAME);                                     \
        __atomic_store_n(&fn_, fn_p_, __ATOMIC_RELEASE);                                \
    }

/* RET NAME(PARAMS) forwarding ARGS. */
#define PREP_FORWARD(LIB, RET, NAME, PARAMS, ARGS)                                     \
    RET NAME PARAMS {                                                                   \
        typedef RET (*fn_t) PARAMS;                                                     \
        PREP_RESOLVE(LIB, NAME, fn_t)                                                   \
        return fn_p_ ARGS;                                                              \
    }

#define PREP_FORWARD_VOID(LIB, NAME, PARAMS, ARGS)                                     \
    void NAME PARAMS {                                                                  \
        typedef void (*fn_t) PARAMS;                                                    \
        PREP_RESOLVE(LIB, NAME, fn_t)                                                   \
        fn_p_ ARGS;                                                                     \
    }
