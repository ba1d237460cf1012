/* libzip's functions prep calls (Archive/ZipArchive.swift, CLibraries.swift), loaded on first use. */
#include "hidden_begin.h"
#define ZIP_EXTERN
#include <zip.h>
#include "forward.h"

#define L PREP_LIB_ZIP
PREP_FORWARD_VOID(L, zip_discard, (zip_t *z), (z))
PREP_FORWARD_VOID(L, zip_error_fini, (zip_error_t *e), (e))
PREP_FORWARD_VOID(L, zip_error_init_with_code, (zip_error_t *e, int code), (e, code))
PREP_FORWARD(L, const char *, zip_error_strerror, (zip_error_t *e), (e))
PREP_FORWARD(L, int, zip_fclose, (zip_file_t *f), (f))
PREP_FORWARD(L, int, zip_file_get_external_attributes,
             (zip_t *z, zip_uint64_t index, zip_flags_t flags, zip_uint8_t *opsys, zip_uint32_t *attributes),
             (z, index, flags, opsys, attributes))
PREP_FORWARD(L, const char *, zip_file_strerror, (zip_file_t *f), (f))
PREP_FORWARD(L, zip_file_t *, zip_fopen_index, (zip_t *z, zip_uint64_t index, zip_flags_t flags), (z, index, flags))
PREP_FORWARD(L, zip_int64_t, zip_fread, (zip_file_t *f, void *buffer, zip_uint64_t count), (f, buffer, count))
PREP_FORWARD(L, zip_int64_t, zip_get_num_entries, (zip_t *z, zip_flags_t flags), (z, flags))
PREP_FORWARD(L, const char *, zip_libzip_version, (void), ())
PREP_FORWARD(L, zip_t *, zip_open, (const char *path, int flags, int *error), (path, flags, error))
PREP_FORWARD(L, int, zip_stat_index, (zip_t *z, zip_uint64_t index, zip_flags_t flags, zip_stat_t *st), (z, index, flags, st))
PREP_FORWARD_VOID(L, zip_stat_init, (zip_stat_t *st), (st))
PREP_FORWARD(L, const char *, zip_strerror, (zip_t *z), (z))
