/* libarchive's functions prep calls (Archive/TarArchive.swift), loaded on first use. */
#include "hidden_begin.h"
#include <archive.h>
#include <archive_entry.h>
#include "forward.h"

#define L PREP_LIB_ARCHIVE
PREP_FORWARD(L, __LA_MODE_T, archive_entry_filetype, (struct archive_entry *e), (e))
PREP_FORWARD(L, const char *, archive_entry_hardlink, (struct archive_entry *e), (e))
PREP_FORWARD(L, const char *, archive_entry_pathname, (struct archive_entry *e), (e))
PREP_FORWARD(L, la_int64_t, archive_entry_size, (struct archive_entry *e), (e))
PREP_FORWARD(L, const char *, archive_entry_symlink, (struct archive_entry *e), (e))
PREP_FORWARD(L, const char *, archive_error_string, (struct archive *a), (a))
PREP_FORWARD(L, la_ssize_t, archive_read_data, (struct archive *a, void *buffer, size_t size), (a, buffer, size))
PREP_FORWARD(L, int, archive_read_free, (struct archive *a), (a))
PREP_FORWARD(L, struct archive *, archive_read_new, (void), ())
PREP_FORWARD(L, int, archive_read_next_header, (struct archive *a, struct archive_entry **e), (a, e))
PREP_FORWARD(L, int, archive_read_open_filename, (struct archive *a, const char *filename, size_t block_size), (a, filename, block_size))
PREP_FORWARD(L, int, archive_read_support_filter_all, (struct archive *a), (a))
PREP_FORWARD(L, int, archive_read_support_format_gnutar, (struct archive *a), (a))
PREP_FORWARD(L, int, archive_read_support_format_tar, (struct archive *a), (a))
