/*
 * arena.c - page-chained bump allocator. Pages are 64 KiB or the request size,
 * whichever is larger, so one huge allocation does not waste a page chain.
 */
#include "util/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

/* 64 KiB: large enough that page overhead is negligible for a source file's
 * tree, small enough that a tiny file does not pin much memory per worker. */
#define PAGE_SIZE ((size_t)64 * 1024)
#define ALIGN ((size_t)16)

struct scl_arena_page {
  scl_arena_page *next;
  size_t size;
  size_t used;
  /* payload follows, aligned */
};

static size_t header_size(void)
{
  return (sizeof(scl_arena_page) + ALIGN - 1) & ~(ALIGN - 1);
}

void scl_arena_init(scl_arena *arena)
{
  memset(arena, 0, sizeof(*arena));
}

static void free_chain(scl_arena_page *p)
{
  while (p) {
    scl_arena_page *next = p->next;
    free(p);
    p = next;
  }
}

void scl_arena_dispose(scl_arena *arena)
{
  if (!arena)
    return;
  free_chain(arena->pages);
  free_chain(arena->spare);
  memset(arena, 0, sizeof(*arena));
}

void scl_arena_reset(scl_arena *arena)
{
  scl_arena_page *p = arena->pages;
  while (p) {
    scl_arena_page *next = p->next;
#ifdef SCALINT_DEBUG_ARENA
    free(p);
#else
    if (p->size == PAGE_SIZE) {
      p->used = 0;
      p->next = arena->spare;
      arena->spare = p;
    } else {
      free(p);
    }
#endif
    p = next;
  }
  arena->pages = NULL;
  arena->total = 0;
}

static scl_arena_page *new_page(scl_arena *arena, size_t need)
{
  scl_arena_page *p;
#ifndef SCALINT_DEBUG_ARENA
  if (need <= PAGE_SIZE && arena->spare) {
    p = arena->spare;
    arena->spare = p->next;
    p->used = 0;
    return p;
  }
  size_t size = need > PAGE_SIZE ? need : PAGE_SIZE;
#else
  size_t size = need;
#endif
  p = scl_xmalloc(header_size() + size);
  p->size = size;
  p->used = 0;
  p->next = NULL;
  return p;
}

void *scl_arena_alloc(scl_arena *arena, size_t size)
{
  size_t need = (size + ALIGN - 1) & ~(ALIGN - 1);
  if (need == 0)
    need = ALIGN;
  scl_arena_page *p = arena->pages;
  if (!p || p->size - p->used < need) {
    scl_arena_page *np = new_page(arena, need);
    if (p && np->size > PAGE_SIZE) {
      /* keep the partly used current page first: a big block goes behind it */
      np->next = p->next;
      p->next = np;
      p = np;
    } else {
      np->next = arena->pages;
      arena->pages = np;
      p = np;
    }
  }
  void *out = (char *)p + header_size() + p->used;
  p->used += need;
  arena->total += need;
  memset(out, 0, size);
  return out;
}

char *scl_arena_strndup(scl_arena *arena, const char *s, size_t len)
{
  char *p = scl_arena_alloc(arena, len + 1);
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

char *scl_arena_strdup(scl_arena *arena, const char *s)
{
  if (!s)
    return NULL;
  return scl_arena_strndup(arena, s, strlen(s));
}

char *scl_arena_printf(scl_arena *arena, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return scl_arena_strdup(arena, "");
  char *p = scl_arena_alloc(arena, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}
