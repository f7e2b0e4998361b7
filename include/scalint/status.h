/*
 * status.h - status codes and the caller-owned diagnostic record.
 *
 * Every fallible function in libscalint returns an scl_status and, when it
 * fails, fills a caller-owned scl_diag. There is no global "last error".
 * The list of codes only grows at the end; nothing is renumbered or removed.
 */
#ifndef SCALINT_STATUS_H
#define SCALINT_STATUS_H

typedef enum scl_status {
  SCL_OK = 0,
  SCL_EINVAL = -1,    /* bad argument or usage */
  SCL_EIO = -2,       /* a file could not be read or written */
  SCL_EPARSE = -3,    /* source could not be parsed */
  SCL_ERULE = -4,     /* a rule file is malformed */
  SCL_ELIMIT = -5,    /* a documented limit was hit */
  SCL_ECONFIG = -6,   /* a config file is malformed */
  SCL_ESKIP = -7,     /* input skipped on purpose (binary, too large, ...) */
  SCL_EINTERNAL = -8  /* a bug in scalint */
} scl_status;

/* Size of the message buffer; longer messages are truncated with "...". */
#define SCL_DIAG_SIZE 1024
/* Longest path kept in a diagnostic; longer paths are truncated. */
#define SCL_DIAG_PATH 1024

/*
 * scl_diag - what went wrong, where.
 *   path   file the problem is in, "" when none
 *   line   1-based line, 0 when unknown
 *   col    1-based column, 0 when unknown
 */
typedef struct scl_diag {
  scl_status status;
  char path[SCL_DIAG_PATH];
  unsigned line;
  unsigned col;
  char msg[SCL_DIAG_SIZE];
} scl_diag;

/* Human-readable name of a status code; never NULL. */
const char *scl_status_str(scl_status status);

/* Clears a diagnostic to SCL_OK with no position. NULL-safe. */
void scl_diag_clear(scl_diag *diag);

/* Fills diag (if not NULL) with status and a printf-style message; returns status. */
scl_status scl_diag_set(scl_diag *diag, scl_status status, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 3, 4)))
#endif
  ;

/* As scl_diag_set, with a file position (line/col 1-based, 0 = unknown). */
scl_status scl_diag_set_at(scl_diag *diag, scl_status status, const char *path, unsigned line,
                           unsigned col, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 6, 7)))
#endif
  ;

/* Formats "path:line:col: msg" (omitting unknown parts) into buf. */
void scl_diag_format(const scl_diag *diag, char *buf, unsigned long buf_size);

#endif
