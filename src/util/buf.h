/*
 * buf.h - growable byte/string buffer with a ceiling.
 *
 * scl_buf - always NUL-terminated after the first append. Growth is
 * geometric. Appending past max (0 = SCL_MAX_BUF_BYTES) sets is_toobig and
 * drops the append, as curl's dynbuf does, so callers can report it.
 */
#ifndef SCL_UTIL_BUF_H
#define SCL_UTIL_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct scl_buf {
  char *data;
  size_t len;
  size_t cap;
  size_t max;
  bool is_toobig;
} scl_buf;

void scl_buf_init(scl_buf *b, size_t max);
void scl_buf_dispose(scl_buf *b);
void scl_buf_clear(scl_buf *b);
bool scl_buf_append(scl_buf *b, const char *s, size_t len);
bool scl_buf_puts(scl_buf *b, const char *s);
bool scl_buf_putc(scl_buf *b, char c);
bool scl_buf_printf(scl_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;
bool scl_buf_vprintf(scl_buf *b, const char *fmt, va_list ap);
/* Returns the contents ("" if empty); valid until the next append. */
const char *scl_buf_cstr(const scl_buf *b);
/* Hands the contents to the caller (free()), leaving b empty. */
char *scl_buf_detach(scl_buf *b);

#endif
