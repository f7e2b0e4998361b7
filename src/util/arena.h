/*
 * arena.h - bump allocator with page chaining.
 *
 * scl_arena - owns every allocation made from it; they are all released
 * together by scl_arena_reset() (pages kept for reuse) or
 * scl_arena_dispose() (pages freed). Not thread-safe: one arena per worker.
 * With SCALINT_DEBUG_ARENA defined, each allocation is a separate malloc so
 * ASan sees overflows.
 */
#ifndef SCL_UTIL_ARENA_H
#define SCL_UTIL_ARENA_H

#include <stddef.h>

typedef struct scl_arena_page scl_arena_page;

typedef struct scl_arena {
  scl_arena_page *pages;  /* current page first */
  scl_arena_page *spare;  /* pages kept by reset */
  size_t total;           /* bytes handed out since the last reset */
} scl_arena;

void scl_arena_init(scl_arena *arena);
void scl_arena_dispose(scl_arena *arena);
void scl_arena_reset(scl_arena *arena);
/* Allocation aligned for any type; zeroed. Never NULL. */
void *scl_arena_alloc(scl_arena *arena, size_t size);
char *scl_arena_strdup(scl_arena *arena, const char *s);
char *scl_arena_strndup(scl_arena *arena, const char *s, size_t len);
/* printf into the arena. */
char *scl_arena_printf(scl_arena *arena, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;

#endif
