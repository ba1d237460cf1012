#ifndef PREP_LAZY_LIBS_H
#define PREP_LAZY_LIBS_H
/*
 * libxml2, libarchive, libzip, libcrypto (and ISA-L, lazy_inflate.h), loaded with dlopen when one of their functions is
 * first called instead of linked. Linked, they and the libraries they pull in (ICU, liblzma,
 * libzstd, liblz4, libbz2, nettle, libacl…) were loaded and relocated at every process start,
 * about 3 ms of every command, while most runs call none of them (only XML datasets, archives,
 * zips and checksums do).
 *
 * The functions prep calls keep their own names: this target defines each one (hidden, so never
 * exported to interpose on the real library) as a forwarder to the loaded library's symbol, and
 * the Swift code calls them through the libraries' own headers (the CArchive, CZip and CCrypto
 * module maps, which link nothing). libxml2, whose headers need an include folder of their own,
 * is reached through lazy_xml.h instead.
 */

enum {
    PREP_LIB_XML2 = 0,
    PREP_LIB_ARCHIVE = 1,
    PREP_LIB_ZIP = 2,
    PREP_LIB_CRYPTO = 3,
    PREP_LIB_ISAL = 4
};

/* Whether `library` (one of the above) can be loaded; on failure `why` (at least 256 bytes)
 * says what was tried and the loader's reason. Loads it once. */
int prep_lazy_available(int library, char *why, unsigned long why_size);

/* The address of `name` in `library`, loading the library first. A library that cannot be
 * loaded, or lacks the symbol, ends the process with exit status 1 and a message naming the
 * library and the Debian package that provides it (never a crash). */
void *prep_lazy_symbol(int library, const char *name);

#endif
