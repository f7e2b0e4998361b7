/*
 * alloc.c - malloc wrappers that abort with a message on exhaustion.
 * Must not be used for sizes computed from untrusted input without a limit
 * check first (see limits.h).
 */
#include "util/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(size_t size)
{
  fprintf(stderr, "scalint: out of memory allocating %zu bytes\n", size);
  abort();
}

void *scl_xmalloc(size_t size)
{
  void *p = malloc(size ? size : 1);
  if (!p)
    out_of_memory(size);
  return p;
}

void *scl_xcalloc(size_t count, size_t size)
{
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p)
    out_of_memory(count * size);
  return p;
}

void *scl_xrealloc(void *ptr, size_t size)
{
  void *p = realloc(ptr, size ? size : 1);
  if (!p)
    out_of_memory(size);
  return p;
}

char *scl_xstrdup(const char *s)
{
  if (!s)
    return NULL;
  return scl_xstrndup(s, strlen(s));
}

char *scl_xstrndup(const char *s, size_t len)
{
  char *p = scl_xmalloc(len + 1);
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}
