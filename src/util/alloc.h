/*
 * alloc.h - allocation that never returns NULL.
 *
 * scalint is a command-line tool: running out of memory prints a message and
 * aborts, so callers need no NULL checks after each allocation.
 */
#ifndef SCL_UTIL_ALLOC_H
#define SCL_UTIL_ALLOC_H

#include <stddef.h>

void *scl_xmalloc(size_t size);
void *scl_xcalloc(size_t count, size_t size);
void *scl_xrealloc(void *ptr, size_t size);
/* Copies a NUL-terminated string; NULL in, NULL out. Caller frees. */
char *scl_xstrdup(const char *s);
/* Copies len bytes and appends a NUL. Caller frees. */
char *scl_xstrndup(const char *s, size_t len);

#endif
