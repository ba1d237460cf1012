/* Opens the hidden region of a per-library file: what is declared after this include (the
 * library's own headers, then the forwarders of forward.h) stays inside the executable, so no
 * forwarder is exported to interpose on the real library. The C library's headers come first,
 * outside the region: a libc function declared hidden could not be bound to libc. */
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#pragma GCC visibility push(hidden)
