/*
 * buf.c - capped growable buffer. Never grows by a constant: doubling only.
 */
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/limits.h"

void scl_buf_init(scl_buf *b, size_t max)
{
  memset(b, 0, sizeof(*b));
  b->max = max ? max : SCL_MAX_BUF_BYTES;
}

void scl_buf_dispose(scl_buf *b)
{
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

void scl_buf_clear(scl_buf *b)
{
  b->len = 0;
  b->is_toobig = false;
  if (b->data)
    b->data[0] = '\0';
}

bool scl_buf_append(scl_buf *b, const char *s, size_t len)
{
  if (b->max == 0)
    b->max = SCL_MAX_BUF_BYTES;
  if (len > b->max || b->len > b->max - len) {
    b->is_toobig = true;
    return false;
  }
  if (b->len + len + 1 > b->cap) {
    size_t nc = b->cap ? b->cap : 64;
    while (nc < b->len + len + 1)
      nc *= 2;
    b->data = scl_xrealloc(b->data, nc);
    b->cap = nc;
  }
  memcpy(b->data + b->len, s, len);
  b->len += len;
  b->data[b->len] = '\0';
  return true;
}

bool scl_buf_puts(scl_buf *b, const char *s)
{
  return scl_buf_append(b, s, strlen(s));
}

bool scl_buf_putc(scl_buf *b, char c)
{
  return scl_buf_append(b, &c, 1);
}

bool scl_buf_vprintf(scl_buf *b, const char *fmt, va_list ap)
{
  char small[256];
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(small, sizeof(small), fmt, ap2);
  va_end(ap2);
  if (n < 0)
    return false;
  if ((size_t)n < sizeof(small))
    return scl_buf_append(b, small, (size_t)n);
  char *big = scl_xmalloc((size_t)n + 1);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  bool ok = scl_buf_append(b, big, (size_t)n);
  free(big);
  return ok;
}

bool scl_buf_printf(scl_buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  bool ok = scl_buf_vprintf(b, fmt, ap);
  va_end(ap);
  return ok;
}

const char *scl_buf_cstr(const scl_buf *b)
{
  return b->data ? b->data : "";
}

char *scl_buf_detach(scl_buf *b)
{
  char *p = b->data ? b->data : scl_xstrdup("");
  b->data = NULL;
  b->len = b->cap = 0;
  return p;
}
