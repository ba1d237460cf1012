/* See include/lazy_libs.h. */
#include "lazy_libs.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    const char *names[4];   /* sonames to try, in order (NULL-terminated) */
    const char *package;    /* the Debian package that provides it */
    pthread_once_t once;
    void *handle;
    char failure[512];
} lazy_library;

static lazy_library libraries[] = {
    [PREP_LIB_XML2] = {{"libxml2.so.2", "libxml2.2.dylib", "libxml2.so", NULL}, "libxml2", PTHREAD_ONCE_INIT, NULL, ""},
    [PREP_LIB_ARCHIVE] = {{"libarchive.so.13", "libarchive.13.dylib", "libarchive.so", NULL}, "libarchive13", PTHREAD_ONCE_INIT, NULL, ""},
    [PREP_LIB_ZIP] = {{"libzip.so.4", "libzip.so.5", "libzip.5.dylib", "libzip.so"}, "libzip4", PTHREAD_ONCE_INIT, NULL, ""},
    [PREP_LIB_CRYPTO] = {{"libcrypto.so.3", "libcrypto.3.dylib", "libcrypto.so", NULL}, "libssl3", PTHREAD_ONCE_INIT, NULL, ""},
    [PREP_LIB_ISAL] = {{"libisal.so.2", "libisal.2.dylib", "libisal.so", NULL}, "libisal2", PTHREAD_ONCE_INIT, NULL, ""},
};

#define LOAD_ONE(INDEX) static void load_##INDEX(void) { load(&libraries[INDEX]); }

static void load(lazy_library *lib) {
    const char *why = NULL;
    for (int i = 0; i < 4 && lib->names[i]; i++) {
        lib->handle = dlopen(lib->names[i], RTLD_NOW | RTLD_LOCAL);
        if (lib->handle) return;
        if (!why) why = dlerror();   /* the reason for the first (expected) name */
    }
    snprintf(lib->failure, sizeof lib->failure, "%s could not be loaded (%s): install it (Debian/Ubuntu: apt-get install %s)",
             lib->names[0], why ? why : "not found", lib->package);
}

LOAD_ONE(PREP_LIB_XML2)
LOAD_ONE(PREP_LIB_ARCHIVE)
LOAD_ONE(PREP_LIB_ZIP)
LOAD_ONE(PREP_LIB_CRYPTO)
LOAD_ONE(PREP_LIB_ISAL)

static lazy_library *ensure(int library) {
    static void (*loaders[])(void) = {load_PREP_LIB_XML2, load_PREP_LIB_ARCHIVE, load_PREP_LIB_ZIP, load_PREP_LIB_CRYPTO,
                                      load_PREP_LIB_ISAL};
    if (library < 0 || library >= (int)(sizeof libraries / sizeof libraries[0])) abort();
    pthread_once(&libraries[library].once, loaders[library]);
    return &libraries[library];
}

int prep_lazy_available(int library, char *why, unsigned long why_size) {
    lazy_library *lib = ensure(library);
    if (lib->handle) return 1;
    if (why && why_size) snprintf(why, why_size, "%s", lib->failure);
    return 0;
}

void *prep_lazy_symbol(int library, const char *name) {
    lazy_library *lib = ensure(library);
    if (!lib->handle) {
        fprintf(stderr, "prep: error: %s\n", lib->failure);
        exit(1);
    }
    void *p = dlsym(lib->handle, name);
    if (!p) {
        fprintf(stderr, "prep: error: the %s found lacks %s\n", lib->names[0], name);
        exit(1);
    }
    return p;
}
