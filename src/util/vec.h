/*
 * vec.h - typed growable arrays (heap-backed, geometric growth).
 *
 *   SCL_VEC(int) v = {0};
 *   SCL_VEC_PUSH(&v, 42);
 *   SCL_VEC_FREE(&v);
 *
 * Growth doubles with a minimum of 8, so appends are amortised O(1).
 */
#ifndef SCL_UTIL_VEC_H
#define SCL_UTIL_VEC_H

#include <stddef.h>
#include <stdlib.h>

#include "util/alloc.h"

#define SCL_VEC(T) \
  struct {         \
    T *items;      \
    size_t count;  \
    size_t cap;    \
  }

#define SCL_VEC_RESERVE(v, n)                                                           \
  do {                                                                                  \
    if ((n) > (v)->cap) {                                                               \
      size_t scl_vec_nc_ = (v)->cap ? (v)->cap * 2 : 8;                                 \
      while (scl_vec_nc_ < (n))                                                         \
        scl_vec_nc_ *= 2;                                                               \
      (v)->items = scl_xrealloc((v)->items, scl_vec_nc_ * sizeof(*(v)->items));         \
      (v)->cap = scl_vec_nc_;                                                           \
    }                                                                                   \
  } while (0)

#define SCL_VEC_PUSH(v, x)                  \
  do {                                      \
    SCL_VEC_RESERVE((v), (v)->count + 1);   \
    (v)->items[(v)->count++] = (x);         \
  } while (0)

#define SCL_VEC_FREE(v)      \
  do {                       \
    free((v)->items);        \
    (v)->items = NULL;       \
    (v)->count = (v)->cap = 0; \
  } while (0)

#endif
